-- Issue 20: a finished sweep's board answers, built once in the background (apps/api BoardSnapshots)
-- and read by the first visitor instead of two passes over every trial. Hand-written in Prisma's DDL
-- style; see the init migration.
--
-- `version` is the sweep row's version the answers were computed at (its updated_at in epoch ms and
-- its xmin, which every update of the row moves, even one within the same millisecond): a snapshot
-- of another version than the sweep's current one is never served, only replaced.

-- CreateTable
CREATE TABLE "board_snapshot" (
    "sweep_id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "answers" JSONB NOT NULL,
    "build_ms" INTEGER NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_snapshot_pkey" PRIMARY KEY ("sweep_id")
);

-- AddForeignKey
ALTER TABLE "board_snapshot" ADD CONSTRAINT "board_snapshot_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;
