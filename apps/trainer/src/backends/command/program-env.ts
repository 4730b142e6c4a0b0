/**
 * The environment a `command` program gets: an allow-list, never the trainer's own. From the
 * trainer's environment only the names in {@link BASE_ENV} and those the operator lists
 * (--command-env) pass; names that look like secrets never do, whoever lists them. The spec's
 * `backend.env` is the submitter's own and passes as written.
 */

/** Taken from the trainer's environment for every program. */
export const BASE_ENV = ['PATH', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM', 'CUDA_VISIBLE_DEVICES'] as const;

const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|API_?KEY|PRIVATE_KEY|KEY)(_|$)|^(DATABASE_URL|REDIS_URL|PG[A-Z]*|AWS_[A-Z_]+|TINYSWEEP_[A-Z_]+)$/i;

/** Whether a trainer variable must never reach a program (database and Redis URLs, tokens, keys, TINYSWEEP_*). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Checks --command-env's names; throws naming one that may not be passed. */
export function checkPassThrough(names: readonly string[]): string[] {
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new Error(`--command-env: "${n}" is not a variable name`);
    if (isSecretName(n)) throw new Error(`--command-env: ${n} is never passed to programs (it looks like a secret or the trainer's own setting)`);
  }
  return [...names];
}

/**
 * The program's environment: the allow-listed trainer variables, HOME and TMPDIR in the trial's
 * own directory, PYTHONUNBUFFERED, then the spec's env, then `own` (the TINYSWEEP_* variables of the
 * trial, which the spec cannot override).
 */
export function programEnv(opts: {
  trainerEnv: NodeJS.ProcessEnv;
  passThrough: readonly string[];
  trialDir: string;
  specEnv?: Record<string, string>;
  own: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENV, ...opts.passThrough]) {
    const v = opts.trainerEnv[name];
    if (v !== undefined && !isSecretName(name)) env[name] = v;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  Object.assign(env, { HOME: opts.trialDir, TMPDIR: opts.trialDir, TINYSWEEP_TRIAL_DIR: opts.trialDir, PYTHONUNBUFFERED: '1' });
  Object.assign(env, opts.specEnv ?? {}, opts.own, { TINYSWEEP_TRIAL_DIR: opts.trialDir });
  return env;
}
