-- A sweep's trial counts and status, kept by triggers on trial in the same transaction as every
-- trial change (issue 13): no reader can see all of a sweep's trials finished and the sweep still
-- running, and reading a sweep's counts is one row instead of a count over its trials.
-- Hand-written in Prisma's DDL style; see the init migration.

-- AlterTable
ALTER TABLE "sweep" ADD COLUMN     "queued_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "running_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "succeeded_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failed_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cancelled_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "stopped_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "search_open" BOOLEAN NOT NULL DEFAULT false;

-- A sweep's status from its trial counts: queued while nothing started; running while any trial is
-- open or its search may still add trials (pareto: `search_open`, closed by the dispatcher when it
-- has nothing more to propose); else cancelled (if the user cancelled it, or all its trials were),
-- failed (nothing succeeded) or completed.
CREATE FUNCTION "sweep_status"(was "SweepStatus", q INTEGER, r INTEGER, s INTEGER, f INTEGER, x INTEGER, p INTEGER, search_open BOOLEAN)
RETURNS "SweepStatus" LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE
    WHEN q + r > 0 THEN (CASE WHEN r + s + f + p > 0 THEN 'running' ELSE 'queued' END)
    WHEN was = 'cancelled' THEN 'cancelled'
    WHEN search_open THEN 'running'
    WHEN s + p = 0 AND f > 0 THEN 'failed'
    WHEN s + p = 0 AND f = 0 AND x > 0 THEN 'cancelled'
    ELSE 'completed' END)::"SweepStatus";
$$;

-- Adds per-(sweep, status) deltas to the counts and sets each touched sweep's status from them.
-- The new values are computed in the UPDATE from the row it updates (under READ COMMITTED a
-- concurrent writer's committed counts are re-read there, never lost); sweeps are locked in id
-- order first so two statements touching the same sweeps cannot deadlock.
CREATE FUNCTION "sweep_add_trial_counts"(sweep_ids UUID[], statuses TEXT[], deltas INTEGER[]) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM sweep WHERE id = ANY(sweep_ids) ORDER BY id FOR UPDATE;
  UPDATE sweep w SET
    queued_count = w.queued_count + d.q, running_count = w.running_count + d.r,
    succeeded_count = w.succeeded_count + d.s, failed_count = w.failed_count + d.f,
    cancelled_count = w.cancelled_count + d.x, stopped_count = w.stopped_count + d.p,
    status = sweep_status(w.status, w.queued_count + d.q, w.running_count + d.r, w.succeeded_count + d.s,
                          w.failed_count + d.f, w.cancelled_count + d.x, w.stopped_count + d.p, w.search_open),
    finished_at = CASE WHEN w.queued_count + d.q + w.running_count + d.r = 0 AND NOT w.search_open
                       THEN coalesce(w.finished_at, now()) ELSE NULL END,
    updated_at = now()
  FROM (SELECT s AS sweep_id,
               coalesce(sum(n) FILTER (WHERE st = 'queued'), 0)::int    AS q,
               coalesce(sum(n) FILTER (WHERE st = 'running'), 0)::int   AS r,
               coalesce(sum(n) FILTER (WHERE st = 'succeeded'), 0)::int AS s,
               coalesce(sum(n) FILTER (WHERE st = 'failed'), 0)::int    AS f,
               coalesce(sum(n) FILTER (WHERE st = 'cancelled'), 0)::int AS x,
               coalesce(sum(n) FILTER (WHERE st = 'stopped'), 0)::int   AS p
          FROM unnest(sweep_ids, statuses, deltas) AS u(s, st, n)
         GROUP BY s) d
  WHERE w.id = d.sweep_id;
END $$;

-- One statement-level trigger per operation (each sees only its own transition tables): a bulk
-- change (cancel a 100,000-trial sweep, insert its trials) updates each sweep row once.
CREATE FUNCTION "trial_counts_after_insert"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sweep_add_trial_counts(array_agg(sweep_id), array_agg(status::text), array_agg(n))
     FROM (SELECT sweep_id, status, count(*)::int AS n FROM new_trials GROUP BY sweep_id, status) g
   HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION "trial_counts_after_update"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sweep_add_trial_counts(array_agg(sweep_id), array_agg(status::text), array_agg(n))
     FROM (SELECT sweep_id, status, sum(n)::int AS n
             FROM (SELECT sweep_id, status, 1 AS n FROM new_trials
                   UNION ALL SELECT sweep_id, status, -1 FROM old_trials) x
            GROUP BY sweep_id, status HAVING sum(n) <> 0) g
   HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION "trial_counts_after_delete"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sweep_add_trial_counts(array_agg(sweep_id), array_agg(status::text), array_agg(-n))
     FROM (SELECT sweep_id, status, count(*)::int AS n FROM old_trials GROUP BY sweep_id, status) g
   HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE TRIGGER "trial_counts_insert" AFTER INSERT ON "trial"
  REFERENCING NEW TABLE AS new_trials FOR EACH STATEMENT EXECUTE FUNCTION trial_counts_after_insert();
CREATE TRIGGER "trial_counts_update" AFTER UPDATE ON "trial"
  REFERENCING OLD TABLE AS old_trials NEW TABLE AS new_trials FOR EACH STATEMENT EXECUTE FUNCTION trial_counts_after_update();
CREATE TRIGGER "trial_counts_delete" AFTER DELETE ON "trial"
  REFERENCING OLD TABLE AS old_trials FOR EACH STATEMENT EXECUTE FUNCTION trial_counts_after_delete();

-- The sweeps already stored (their pareto searches are as closed as their status says).
UPDATE "sweep" w SET
  queued_count = c.q, running_count = c.r, succeeded_count = c.s,
  failed_count = c.f, cancelled_count = c.x, stopped_count = c.p,
  search_open = (w.status IN ('queued', 'running') AND w.spec #>> '{search,kind}' = 'pareto')
FROM (SELECT sweep_id,
             count(*) FILTER (WHERE status = 'queued')::int    AS q,
             count(*) FILTER (WHERE status = 'running')::int   AS r,
             count(*) FILTER (WHERE status = 'succeeded')::int AS s,
             count(*) FILTER (WHERE status = 'failed')::int    AS f,
             count(*) FILTER (WHERE status = 'cancelled')::int AS x,
             count(*) FILTER (WHERE status = 'stopped')::int   AS p
        FROM "trial" GROUP BY sweep_id) c
WHERE w.id = c.sweep_id;
