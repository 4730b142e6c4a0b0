import type { Database } from './database.js';
import { SWEEP_VERSION } from './sweep-version.js';

/**
 * The snapshot's answer holding the sweep's best trials (SweepRepository.leaders: its summary's best
 * trial and the board's default learning curves), which SweepRepository reads from it.
 */
export const LEADERS_ANSWER = 'leaders:[]';

/** A sweep's board answers as they were at one version of the sweep. */
export interface BoardSnapshot {
  /** The sweep row's version they were computed at (AggregateRepository.sweepMeta's `version`). */
  version: string;
  /** Answer key → answer. */
  answers: Record<string, unknown>;
}

/**
 * Finished sweeps' board answers (apps/api BoardSnapshots builds them in the background): the first
 * visitor of a 100,000-trial sweep reads one row instead of two passes over its trials. A snapshot is
 * only ever served at the sweep version it was computed at, so a sweep that changed again (a
 * reproduction's verdict, a re-run) is never shown stale: it is rebuilt.
 */
export class BoardSnapshotRepository {
  private readonly pool: Database['pool'];

  constructor(db: Database) {
    this.pool = db.pool;
  }

  /** The sweep's answers computed at `version`; null when it has none, or only of another version. */
  async at(sweepId: string, version: string): Promise<Record<string, unknown> | null> {
    const { rows } = await this.pool.query<{ answers: Record<string, unknown> }>(
      'SELECT answers FROM board_snapshot WHERE sweep_id = $1::uuid AND version = $2::text',
      [sweepId, version],
    );
    return rows[0]?.answers ?? null;
  }

  /**
   * Keeps `answers` as the sweep's snapshot at `version`, replacing an older one; nothing when the
   * sweep has changed since (they would never be served) or is gone. Returns whether it kept them.
   */
  async save(sweepId: string, s: BoardSnapshot, buildMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO board_snapshot (sweep_id, version, answers, build_ms)
       SELECT s.id, $2::text, $3::jsonb, $4::int FROM sweep s WHERE s.id = $1::uuid AND ${SWEEP_VERSION('s')} = $2::text
       ON CONFLICT (sweep_id) DO UPDATE SET version = excluded.version, answers = excluded.answers, build_ms = excluded.build_ms, built_at = now()`,
      [sweepId, s.version, JSON.stringify(s.answers), Math.round(buildMs)],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Finished sweeps (not queued or running) of at least `minTrials` trials whose snapshot is missing
   * or of an older version, newest first, `skip` left out: those changed within `withinDays`, and any
   * of `also` however old.
   */
  async due(o: { minTrials: number; withinDays: number; limit: number; skip?: readonly string[]; also?: readonly string[] }): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT s.id
         FROM sweep s LEFT JOIN board_snapshot b ON b.sweep_id = s.id
        WHERE s.status NOT IN ('queued', 'running') AND s.trial_count >= $1::int
          AND (s.updated_at > now() - make_interval(days => $2::int) OR s.id = ANY($5::uuid[]))
          AND (b.version IS NULL OR b.version <> ${SWEEP_VERSION('s')})
          AND NOT (s.id = ANY($4::uuid[]))
        ORDER BY s.updated_at DESC
        LIMIT $3::int`,
      [o.minTrials, o.withinDays, o.limit, o.skip ?? [], o.also ?? []],
    );
    return rows.map((r) => r.id);
  }
}
