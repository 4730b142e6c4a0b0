/**
 * @tinysweep/trial — the trial contract between the control plane and the trainers: what a run's
 * params are for each backend (TinyLoraTrial: one schema, checked once where a request enters a
 * trainer or a library call enters the engine), the contract's version carried beside them on every
 * request, and TrialConfigError, how a trial that cannot run says which field is wrong.
 *
 *   const r = checkTrialRun(req.backend, req.contract, JSON.parse(req.paramsJson));
 *   if (!r.ok) return badRequest(r.error);          // "params.adapter.rank: must be at least 1"
 *   if (r.run.backend === 'tinylora') trainTinyLora(r.run.params, ctx);
 */
export * from './contract.js';
export * from './tinylora-trial.js';
export * from './trial-config-error.js';
export * from './trial-run.js';
