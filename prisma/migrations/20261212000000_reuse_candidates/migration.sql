-- Issue 20: startAttempt asks whether any succeeded trial shares the new attempt's config hash; only
-- then does the dispatcher ask the trainer for a fingerprint before running (result reuse), else the
-- key comes with the result. This index answers that question without a pass over every trial.
CREATE INDEX "trial_config_hash_idx" ON "trial"("config_hash");
