-- ASHA with pausing (issue 19). Hand-written in Prisma's DDL style; see the init migration.
--
-- A trial that reaches a rung without qualifying is `paused`: its state is checkpointed, its slot
-- freed, and it waits for a promotion (back to `queued`, continuing from its checkpoint) or for its
-- rung to complete without it (`stopped`). Paused trials are open: their sweep runs on while any
-- is paused, and `paused_count` keeps them like the other counts (the same triggers).

-- AlterEnum
ALTER TYPE "TrialStatus" ADD VALUE 'paused';

-- AlterTable
ALTER TABLE "sweep" ADD COLUMN     "paused_count" INTEGER NOT NULL DEFAULT 0;

-- A sweep's status from its trial counts (see the sweep_trial_counts migration): paused trials count
-- as started and open, like running ones.
CREATE FUNCTION "sweep_status"(was "SweepStatus", q INTEGER, r INTEGER, s INTEGER, f INTEGER, x INTEGER, p INTEGER, u INTEGER, search_open BOOLEAN)
RETURNS "SweepStatus" LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE
    WHEN q + r + u > 0 THEN (CASE WHEN r + s + f + p + u > 0 THEN 'running' ELSE 'queued' END)
    WHEN was = 'cancelled' THEN 'cancelled'
    WHEN search_open THEN 'running'
    WHEN s + p = 0 AND f > 0 THEN 'failed'
    WHEN s + p = 0 AND f = 0 AND x > 0 THEN 'cancelled'
    ELSE 'completed' END)::"SweepStatus";
$$;

CREATE OR REPLACE FUNCTION "sweep_add_trial_counts"(sweep_ids UUID[], statuses TEXT[], deltas INTEGER[]) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM sweep WHERE id = ANY(sweep_ids) ORDER BY id FOR UPDATE;
  UPDATE sweep w SET
    queued_count = w.queued_count + d.q, running_count = w.running_count + d.r,
    succeeded_count = w.succeeded_count + d.s, failed_count = w.failed_count + d.f,
    cancelled_count = w.cancelled_count + d.x, stopped_count = w.stopped_count + d.p,
    paused_count = w.paused_count + d.u,
    status = sweep_status(w.status, w.queued_count + d.q, w.running_count + d.r, w.succeeded_count + d.s,
                          w.failed_count + d.f, w.cancelled_count + d.x, w.stopped_count + d.p,
                          w.paused_count + d.u, w.search_open),
    finished_at = CASE WHEN w.queued_count + d.q + w.running_count + d.r + w.paused_count + d.u = 0 AND NOT w.search_open
                       THEN coalesce(w.finished_at, now()) ELSE NULL END,
    updated_at = now()
  FROM (SELECT s AS sweep_id,
               coalesce(sum(n) FILTER (WHERE st = 'queued'), 0)::int    AS q,
               coalesce(sum(n) FILTER (WHERE st = 'running'), 0)::int   AS r,
               coalesce(sum(n) FILTER (WHERE st = 'succeeded'), 0)::int AS s,
               coalesce(sum(n) FILTER (WHERE st = 'failed'), 0)::int    AS f,
               coalesce(sum(n) FILTER (WHERE st = 'cancelled'), 0)::int AS x,
               coalesce(sum(n) FILTER (WHERE st = 'stopped'), 0)::int   AS p,
               coalesce(sum(n) FILTER (WHERE st = 'paused'), 0)::int    AS u
          FROM unnest(sweep_ids, statuses, deltas) AS u(s, st, n)
         GROUP BY s) d
  WHERE w.id = d.sweep_id;
END $$;

DROP FUNCTION "sweep_status"("SweepStatus", INTEGER, INTEGER, INTEGER, INTEGER, INTEGER, INTEGER, BOOLEAN);
