import { BadRequestException } from '@nestjs/common';
import { TRIAL_STATUSES, type TrialPageQuery, type TrialStatus } from '@tinysweep/db';
import { intParam } from '../../board/dto/insight-queries.js';

/** The furthest page start and the largest page a query may ask for (pages hold at most 1,000 trials). */
export const MAX_OFFSET = 1_000_000_000;
export const MAX_LIMIT = 1_000_000;

/**
 * `?offset&limit&sort&order&status&params.<path>=<value>` → TrialPageQuery.
 * Param filter values compare as text (`params.adapter.rank=2`).
 */
export function toTrialPageQuery(q: Record<string, unknown>): TrialPageQuery {
  const out: TrialPageQuery = { offset: intParam(q, 'offset', 0, MAX_OFFSET), limit: intParam(q, 'limit', 100, MAX_LIMIT) };
  if (q.sort !== undefined) {
    if (typeof q.sort !== 'string' || q.sort.length > 300) throw new BadRequestException({ message: 'sort: must be one sort key', issues: [{ path: 'sort', message: 'must be one sort key of at most 300 characters' }] });
    out.sort = q.sort;
  }
  if (q.order !== undefined) {
    if (q.order !== 'asc' && q.order !== 'desc') throw new BadRequestException({ message: "order: must be 'asc' or 'desc'", issues: [{ path: 'order', message: "must be 'asc' or 'desc'" }] });
    out.order = q.order;
  }
  if (q.status !== undefined) {
    if (!TRIAL_STATUSES.includes(q.status as TrialStatus)) {
      throw new BadRequestException({ message: `status: must be one of ${TRIAL_STATUSES.join(', ')}`, issues: [{ path: 'status', message: `must be one of ${TRIAL_STATUSES.join(', ')}` }] });
    }
    out.status = q.status as TrialStatus;
  }
  for (const [k, v] of Object.entries(q)) {
    if (k.startsWith('params.') && typeof v === 'string') (out.params ??= {})[k.slice('params.'.length)] = v;
  }
  return out;
}
