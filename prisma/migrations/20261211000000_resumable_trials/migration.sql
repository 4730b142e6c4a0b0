-- Resumable trials (issue 19). Hand-written in Prisma's DDL style; see the init migration.
--
-- `checkpoint`: the latest state a running trial (or shared training) checkpointed, as its trainer's
-- backend wrote it (opaque JSON text: the engine's optimizer state and step, or a program's own),
-- with the step it was taken after and the attempt that sent it (whose curve holds the steps up to
-- it). One row per run: a later checkpoint replaces an earlier one, never the other way round.
-- `run_id` is the trial's id, or the shared training's (both UUIDs, never equal).

-- CreateTable
CREATE TABLE "checkpoint" (
    "run_id" UUID NOT NULL,
    "sweep_id" UUID NOT NULL,
    "step" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "saved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkpoint_pkey" PRIMARY KEY ("run_id")
);

-- CreateIndex
CREATE INDEX "checkpoint_sweep_id_idx" ON "checkpoint"("sweep_id");

-- AddForeignKey
ALTER TABLE "checkpoint" ADD CONSTRAINT "checkpoint_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;
