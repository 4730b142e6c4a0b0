// The statistics live in @tinysweep/stats (the API and verdicts use them without the engine).
export * from '@tinysweep/stats';
