-- Shared trainings pause at ASHA rungs (promotion: pause). Hand-written in Prisma's DDL style; see
-- the init migration.
--
-- A training paused at a rung (status `paused`, its trials `paused` too) is promoted later: back to
-- `queued`, its BullMQ flow added again. BullMQ keeps a completed job's id for an hour and adding a
-- job under a kept id adds nothing, so each promotion starts a new segment whose jobs have ids of
-- their own (`train-<id>-<segment>`); `segment` says which ids the training's current jobs have, so
-- the reconciler, a cancel and a stale job of an earlier segment all find (or skip) the right ones.

-- AlterTable
ALTER TABLE "trial_training" ADD COLUMN     "segment" INTEGER NOT NULL DEFAULT 0;

-- A paused training is not done (training_counts): it counts as done only once it ended.
CREATE OR REPLACE FUNCTION "training_counts_after_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM sweep_add_training_counts(array_agg(sweep_id), array_agg(t), array_agg(r), array_agg(f))
       FROM (SELECT sweep_id, count(*)::int AS t, count(*) FILTER (WHERE status = 'running')::int AS r,
                    count(*) FILTER (WHERE status NOT IN ('queued', 'running', 'paused'))::int AS f
               FROM new_trainings GROUP BY sweep_id) g HAVING count(*) > 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM sweep_add_training_counts(array_agg(sweep_id), array_agg(0), array_agg(r), array_agg(f))
       FROM (SELECT sweep_id, sum(r)::int AS r, sum(f)::int AS f
               FROM (SELECT sweep_id, (status = 'running')::int AS r, (status NOT IN ('queued', 'running', 'paused'))::int AS f FROM new_trainings
                     UNION ALL SELECT sweep_id, -(status = 'running')::int, -(status NOT IN ('queued', 'running', 'paused'))::int FROM old_trainings) x
              GROUP BY sweep_id HAVING sum(r) <> 0 OR sum(f) <> 0) g HAVING count(*) > 0;
  ELSE
    PERFORM sweep_add_training_counts(array_agg(sweep_id), array_agg(-t), array_agg(-r), array_agg(-f))
       FROM (SELECT sweep_id, count(*)::int AS t, count(*) FILTER (WHERE status = 'running')::int AS r,
                    count(*) FILTER (WHERE status NOT IN ('queued', 'running', 'paused'))::int AS f
               FROM old_trainings GROUP BY sweep_id) g HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END $$;

