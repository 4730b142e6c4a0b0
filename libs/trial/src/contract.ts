/**
 * The version of the trial contract: the shape of a run's `params_json` (TinyLoraTrial for the
 * tinylora backend, a JSON object for command). Carried beside it on every Train, Evaluate and
 * Fingerprint request (`contract`), so a trainer never reads params of a shape it does not know as
 * if they were its own: bumped when a field changes meaning or a required one appears.
 */
export const TRIAL_CONTRACT = 1;

/** The contract a request states; 0 (unset) is a dispatcher from before the field, which sent contract 1. */
export function sentContract(contract: number): number {
  return contract > 0 ? contract : 1;
}

/**
 * Why a dispatcher will not send runs to a trainer (undefined when it will): the trainer reads another
 * trial contract (its Describe's `contract`; 0 is a trainer from before the field, contract 1).
 */
export function nodeContractRefusal(info: { contract: number; nodeId: string; version: string }): string | undefined {
  const theirs = sentContract(info.contract);
  if (theirs === TRIAL_CONTRACT) return undefined;
  return (
    `trainer ${info.nodeId} (version ${info.version || 'unknown'}) reads trial contract ${theirs}; this dispatcher sends contract ${TRIAL_CONTRACT}: ` +
    `upgrade the ${theirs < TRIAL_CONTRACT ? 'trainer' : 'dispatcher'}`
  );
}

/** Why a trainer will not read a run's params (undefined when it will): they follow another contract. */
export function contractRefusal(contract: number): string | undefined {
  const theirs = sentContract(contract);
  if (theirs === TRIAL_CONTRACT) return undefined;
  return (
    `trial contract mismatch: the params follow trial contract ${theirs}, this trainer reads contract ${TRIAL_CONTRACT}: ` +
    `upgrade the ${theirs > TRIAL_CONTRACT ? 'trainer' : 'dispatcher'}`
  );
}
