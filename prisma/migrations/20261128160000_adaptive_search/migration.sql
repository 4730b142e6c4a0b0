-- Adaptive sweeps (issue 7): ASHA's stopped status and rung values, trainings shared by pruning
-- thresholds, and result reuse. Hand-written in Prisma's DDL style; see the init migration.

-- AlterEnum
ALTER TYPE "TrialStatus" ADD VALUE 'stopped';

-- AlterTable
ALTER TABLE "trial" ADD COLUMN     "result_key" TEXT,
ADD COLUMN     "reused_from_trial_id" UUID,
ADD COLUMN     "training_id" UUID;

-- CreateTable
CREATE TABLE "trial_training" (
    "id" UUID NOT NULL,
    "sweep_id" UUID NOT NULL,
    "train_hash" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "status" "TrialStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "trainer_id" TEXT,
    "adapter" JSONB,
    "metrics" JSONB,
    "trainable_params" INTEGER,
    "environment" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "trial_training_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rung_result" (
    "sweep_id" UUID NOT NULL,
    "rung" INTEGER NOT NULL,
    "trial_id" UUID NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rung_result_pkey" PRIMARY KEY ("sweep_id","rung","trial_id")
);

-- CreateIndex
CREATE INDEX "trial_result_key_idx" ON "trial"("result_key");

-- CreateIndex
CREATE UNIQUE INDEX "trial_training_sweep_id_train_hash_key" ON "trial_training"("sweep_id", "train_hash");

-- AddForeignKey
ALTER TABLE "trial" ADD CONSTRAINT "trial_reused_from_trial_id_fkey" FOREIGN KEY ("reused_from_trial_id") REFERENCES "trial"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trial" ADD CONSTRAINT "trial_training_id_fkey" FOREIGN KEY ("training_id") REFERENCES "trial_training"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trial_training" ADD CONSTRAINT "trial_training_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rung_result" ADD CONSTRAINT "rung_result_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rung_result" ADD CONSTRAINT "rung_result_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trial"("id") ON DELETE CASCADE ON UPDATE CASCADE;
