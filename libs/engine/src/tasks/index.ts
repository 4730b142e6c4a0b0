// Left out on purpose: jsonl.ts's field helpers are internal (readJsonl/parseJsonl are exported).
export * from './task.js';
export { readJsonl, parseJsonl, type JsonlRecord } from './jsonl.js';
export * from './prompt.js';
export * from './multiple-choice.js';
export * from './interfaces/gsm8k-options.js';
export * from './interfaces/arc-options.js';
export * from './interfaces/arithmetic-options.js';
export * from './interfaces/regex-options.js';
export * from './gsm8k.js';
export * from './arc.js';
export * from './arithmetic.js';
export * from './regex-task.js';
export * from './create-task.js';
