-- A sweep's shared trainings counted like its trials (issue 17): a training in flight is work in
-- flight, so `tinysweep watch` and the board say "12 trainings · 2 running" instead of "0 running",
-- and the sweep is `running` from the moment its first training starts (its trials wait in `queued`
-- until their training is done). Kept by triggers on trial_training in the same transaction as each
-- change, as the trial counts are (sweep_trial_counts). Hand-written in Prisma's DDL style.

-- AlterTable
ALTER TABLE "sweep" ADD COLUMN     "training_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "training_running_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "training_done_count" INTEGER NOT NULL DEFAULT 0;

-- Adds per-sweep deltas (all, running, finished) to the training counts. One UPDATE per sweep in
-- id order, like sweep_add_trial_counts, so it cannot deadlock with it.
CREATE FUNCTION "sweep_add_training_counts"(sweep_ids UUID[], totals INTEGER[], running INTEGER[], done INTEGER[]) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM sweep WHERE id = ANY(sweep_ids) ORDER BY id FOR UPDATE;
  UPDATE sweep w SET
    training_count = w.training_count + d.t, training_running_count = w.training_running_count + d.r,
    training_done_count = w.training_done_count + d.f, updated_at = now()
  FROM (SELECT s AS sweep_id, sum(t)::int AS t, sum(r)::int AS r, sum(f)::int AS f
          FROM unnest(sweep_ids, totals, running, done) AS u(s, t, r, f) GROUP BY s) d
  WHERE w.id = d.sweep_id AND (d.t <> 0 OR d.r <> 0 OR d.f <> 0);
END $$;

CREATE FUNCTION "training_counts_after_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM sweep_add_training_counts(array_agg(sweep_id), array_agg(t), array_agg(r), array_agg(f))
       FROM (SELECT sweep_id, count(*)::int AS t, count(*) FILTER (WHERE status = 'running')::int AS r,
                    count(*) FILTER (WHERE status NOT IN ('queued', 'running'))::int AS f
               FROM new_trainings GROUP BY sweep_id) g HAVING count(*) > 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM sweep_add_training_counts(array_agg(sweep_id), array_agg(0), array_agg(r), array_agg(f))
       FROM (SELECT sweep_id, sum(r)::int AS r, sum(f)::int AS f
               FROM (SELECT sweep_id, (status = 'running')::int AS r, (status NOT IN ('queued', 'running'))::int AS f FROM new_trainings
                     UNION ALL SELECT sweep_id, -(status = 'running')::int, -(status NOT IN ('queued', 'running'))::int FROM old_trainings) x
              GROUP BY sweep_id HAVING sum(r) <> 0 OR sum(f) <> 0) g HAVING count(*) > 0;
  ELSE
    PERFORM sweep_add_training_counts(array_agg(sweep_id), array_agg(-t), array_agg(-r), array_agg(-f))
       FROM (SELECT sweep_id, count(*)::int AS t, count(*) FILTER (WHERE status = 'running')::int AS r,
                    count(*) FILTER (WHERE status NOT IN ('queued', 'running'))::int AS f
               FROM old_trainings GROUP BY sweep_id) g HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "training_counts_insert" AFTER INSERT ON "trial_training"
  REFERENCING NEW TABLE AS new_trainings FOR EACH STATEMENT EXECUTE FUNCTION training_counts_after_change();
CREATE TRIGGER "training_counts_update" AFTER UPDATE ON "trial_training"
  REFERENCING OLD TABLE AS old_trainings NEW TABLE AS new_trainings FOR EACH STATEMENT EXECUTE FUNCTION training_counts_after_change();
CREATE TRIGGER "training_counts_delete" AFTER DELETE ON "trial_training"
  REFERENCING OLD TABLE AS old_trainings FOR EACH STATEMENT EXECUTE FUNCTION training_counts_after_change();

-- sweep_status (sweep_trial_counts) sees trials only: while every trial waits for its training it
-- says `queued`. A sweep with a training started (running or finished) is running, whichever
-- statement set its status; this row trigger is the one place that says so, so the trial counts'
-- functions stay as they are.
CREATE FUNCTION "sweep_status_with_trainings"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'queued' AND NEW.training_running_count + NEW.training_done_count > 0 THEN
    NEW.status := 'running';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "sweep_status_with_trainings" BEFORE UPDATE ON "sweep"
  FOR EACH ROW EXECUTE FUNCTION sweep_status_with_trainings();

-- The trainings already stored.
UPDATE "sweep" w SET
  training_count = c.t, training_running_count = c.r, training_done_count = c.f
FROM (SELECT sweep_id, count(*)::int AS t, count(*) FILTER (WHERE status = 'running')::int AS r,
             count(*) FILTER (WHERE status NOT IN ('queued', 'running'))::int AS f
        FROM "trial_training" GROUP BY sweep_id) c
WHERE w.id = c.sweep_id;
