-- Hand-written in Prisma's own DDL style (names, types, constraints), because Prisma's native
-- schema engine cannot be downloaded here. test/db/schema-matches-migrations checks it against schema.prisma.

-- CreateEnum
CREATE TYPE "SweepStatus" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "TrialStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "sweep" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "spec_source" TEXT NOT NULL,
    "status" "SweepStatus" NOT NULL DEFAULT 'queued',
    "trial_count" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "maximize" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "schedule_id" UUID,

    CONSTRAINT "sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trial" (
    "id" UUID NOT NULL,
    "sweep_id" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "config_hash" TEXT NOT NULL,
    "group_hash" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "seed" INTEGER NOT NULL,
    "status" "TrialStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "trainer_id" TEXT,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "result_attempt" INTEGER,
    "metrics" JSONB,
    "trainable_params" INTEGER,
    "effective_params" INTEGER,
    "adapter" JSONB,
    "error" TEXT,
    "log_tail" TEXT,

    CONSTRAINT "trial_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trial_attempt" (
    "trial_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "trainer_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "error" TEXT,

    CONSTRAINT "trial_attempt_pkey" PRIMARY KEY ("trial_id","attempt")
);

-- CreateTable
CREATE TABLE "trial_step" (
    "trial_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "metrics" JSONB NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trial_step_pkey" PRIMARY KEY ("trial_id","attempt","step")
);

-- CreateTable
CREATE TABLE "trainer_node" (
    "id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "slots" INTEGER NOT NULL,
    "backends" TEXT[],
    "models" TEXT[],
    "version" TEXT NOT NULL DEFAULT '',
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trainer_node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "source_sweep_id" UUID,
    "spec" JSONB,
    "mode" TEXT NOT NULL DEFAULT 'full',
    "top_k" INTEGER,
    "tolerance" DOUBLE PRECISION NOT NULL DEFAULT 0.02,
    "webhook_url" TEXT,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_fired_at" TIMESTAMPTZ(3),

    CONSTRAINT "schedule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sweep_created_at_idx" ON "sweep"("created_at");

-- CreateIndex
CREATE INDEX "trial_sweep_id_status_idx" ON "trial"("sweep_id", "status");

-- CreateIndex
CREATE INDEX "trial_status_idx" ON "trial"("status");

-- CreateIndex
CREATE UNIQUE INDEX "trial_sweep_id_config_hash_key" ON "trial"("sweep_id", "config_hash");

-- AddForeignKey
ALTER TABLE "sweep" ADD CONSTRAINT "sweep_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "schedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trial" ADD CONSTRAINT "trial_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trial_attempt" ADD CONSTRAINT "trial_attempt_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trial"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trial_step" ADD CONSTRAINT "trial_step_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trial"("id") ON DELETE CASCADE ON UPDATE CASCADE;
