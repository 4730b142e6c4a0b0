-- Indexes for the results board on big sweeps. Hand-written in Prisma's DDL style; see the init
-- migration.
--   (sweep_id, ordinal)     the trials table's default order: the first 50 of a 100,000-trial sweep
--                           are read from the index, not sorted out of every row;
--   (sweep_id, group_hash)  a config's seed replicates (the replicate plot's dots, `configs`
--                           pages): a few index entries, not a pass over the sweep.

-- CreateIndex
CREATE INDEX "trial_sweep_id_ordinal_idx" ON "trial"("sweep_id", "ordinal");

-- CreateIndex
CREATE INDEX "trial_sweep_id_group_hash_idx" ON "trial"("sweep_id", "group_hash");
