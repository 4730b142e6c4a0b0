/**
 * A sweep row's version, as SQL over the row aliased `alias`: its updated_at (epoch ms) and its xmin,
 * which every update of the row moves (two changes within one millisecond share an updated_at). The
 * board keys its answers by it (AggregateRepository.sweepMeta, BoardSnapshotRepository).
 */
export const SWEEP_VERSION = (alias: string): string => `((extract(epoch FROM ${alias}.updated_at) * 1000)::bigint::text || '.' || ${alias}.xmin::text)`;
