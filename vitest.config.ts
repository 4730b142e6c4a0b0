import { defineConfig } from 'vitest/config';

// Unit specs sit beside the code (libs/**/src/*.spec.ts); cross-process tests live in test/.
// '@tinysweep/source' makes workspace imports resolve to TypeScript sources, not dist/.
export default defineConfig({
  resolve: { conditions: ['@tinysweep/source'] },
  ssr: { resolve: { conditions: ['@tinysweep/source'] } },
  test: {
    include: ['libs/**/src/**/*.spec.ts', 'apps/**/src/**/*.spec.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
  },
});
