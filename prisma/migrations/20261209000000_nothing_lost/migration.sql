-- Nothing lost under chaos (issue 16). Hand-written in Prisma's DDL style; see the init migration.
--
-- Counts a program reports are BIGINT: 7e9 trainable parameters or a step past 2^31 used to make
-- the INSERT or UPDATE fail, re-running a finished trial (or dropping a batch of curve points across
-- trials). The dispatcher still checks each value is a whole number below 2^53 (what a JSON number
-- carries exactly) before writing it.
--
-- `idempotency_key`: a hash of the submitting token's name and the client's Idempotency-Key header,
-- so a client retrying POST /sweeps gets the sweep it already created instead of a second one.

-- AlterTable
ALTER TABLE "trial" ALTER COLUMN "trainable_params" SET DATA TYPE BIGINT,
ALTER COLUMN "effective_params" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "trial_step" ALTER COLUMN "step" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "trial_training" ALTER COLUMN "trainable_params" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "sweep" ADD COLUMN     "idempotency_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "sweep_idempotency_key_key" ON "sweep"("idempotency_key");
