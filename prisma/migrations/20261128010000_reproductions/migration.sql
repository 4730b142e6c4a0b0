-- Reproduction runs (issue 6): a sweep may reproduce another, fired by a schedule tick, with verdicts.

-- AlterTable
ALTER TABLE "sweep" ADD COLUMN     "environment" JSONB,
ADD COLUMN     "fired_at" TIMESTAMPTZ(3),
ADD COLUMN     "origin_sweep_id" UUID,
ADD COLUMN     "verdict" TEXT,
ADD COLUMN     "verdict_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "trial" ADD COLUMN     "environment" JSONB;

-- AlterTable
ALTER TABLE "schedule" ADD COLUMN     "extra_seeds" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "config_verdict" (
    "id" UUID NOT NULL,
    "run_sweep_id" UUID NOT NULL,
    "origin_sweep_id" UUID NOT NULL,
    "group_hash" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "metric" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "original" JSONB NOT NULL,
    "reproduced" JSONB,
    "delta" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "config_verdict_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sweep_origin_sweep_id_idx" ON "sweep"("origin_sweep_id");

-- CreateIndex
CREATE UNIQUE INDEX "sweep_schedule_id_fired_at_key" ON "sweep"("schedule_id", "fired_at");

-- CreateIndex
CREATE INDEX "config_verdict_origin_sweep_id_group_hash_idx" ON "config_verdict"("origin_sweep_id", "group_hash");

-- CreateIndex
CREATE UNIQUE INDEX "config_verdict_run_sweep_id_group_hash_key" ON "config_verdict"("run_sweep_id", "group_hash");

-- AddForeignKey
ALTER TABLE "sweep" ADD CONSTRAINT "sweep_origin_sweep_id_fkey" FOREIGN KEY ("origin_sweep_id") REFERENCES "sweep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "config_verdict" ADD CONSTRAINT "config_verdict_run_sweep_id_fkey" FOREIGN KEY ("run_sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;
