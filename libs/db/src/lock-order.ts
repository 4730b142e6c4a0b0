/**
 * The order every writer takes row locks in, so that no two transactions wait on each other:
 * shared trainings, then trials in id order, then sweeps (the count triggers lock those last, in
 * id order: see the sweep_trial_counts migration). An UPDATE over many trials locks them in
 * whatever order its plan visits them — the order of an unnest()ed batch, an index scan — so a
 * statement that changes more than one trial first locks them through one of these.
 */

/** Locks the trials whose ids a CTE named `i` lists (column `id`), in id order; yields `id`. */
export const LOCK_TRIALS_OF_I = `SELECT trial.id FROM trial JOIN i ON i.id = trial.id ORDER BY trial.id FOR UPDATE OF trial`;

/** Locks the trials a WHERE clause over `trial` picks, in id order; yields `id`. */
export function lockTrialsWhere(where: string): string {
  return `SELECT id FROM trial WHERE ${where} ORDER BY id FOR UPDATE`;
}
