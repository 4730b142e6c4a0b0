/**
 * How much one Generate call (the board's "Try it") may ask of a trainer. Generation takes no
 * training slot, so these keep it from starving the trainings beside it; the API checks the same
 * numbers first, so a user gets a 400 naming the field before anything crosses the wire.
 */
export const GENERATE_LIMITS = {
  /** Prompts per call; each runs twice (base and adapted rows of one batch). */
  maxPrompts: 8,
  /** Characters per prompt (the model's context is checked in tokens on the trainer, too). */
  maxPromptChars: 2000,
  /** Tokens generated per prompt and row. */
  maxNewTokens: 256,
} as const;
