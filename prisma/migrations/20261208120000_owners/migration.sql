-- Owners (issue 14): the name of the API token that submitted a sweep or created a schedule, so a
-- submit token may cancel, retry, pause or delete its own and only an admin token anyone's.
-- NULL: submitted while the API ran without tokens. Hand-written in Prisma's DDL style.

-- AlterTable
ALTER TABLE "schedule" ADD COLUMN     "owner" TEXT;

-- AlterTable
ALTER TABLE "sweep" ADD COLUMN     "owner" TEXT;
