import { BadRequestException } from '@nestjs/common';
import { TRIAL_STATUSES, type TrialPageQuery, type TrialStatus } from '@tinysweep/db';

function intParam(q: Record<string, unknown>, name: string): number | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestException({ message: `${name}: must be a non-negative integer`, issues: [{ path: name, message: 'must be a non-negative integer' }] });
  return n;
}

/**
 * `?offset&limit&sort&order&status&params.<path>=<value>` → TrialPageQuery.
 * Param filter values compare as text (`params.adapter.rank=2`).
 */
export function toTrialPageQuery(q: Record<string, unknown>): TrialPageQuery {
  const out: TrialPageQuery = { offset: intParam(q, 'offset'), limit: intParam(q, 'limit') };
  if (typeof q.sort === 'string') out.sort = q.sort;
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
