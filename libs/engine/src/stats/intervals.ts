export * from '@tinysweep/stats';
