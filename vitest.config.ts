import { defineConfig } from 'vitest/config';

// Unit specs sit beside the code (libs/**/src/*.spec.ts); cross-process tests live in test/.
// '@tinysweep/source' makes workspace imports resolve to TypeScript sources, not dist/.
export default defineConfig({
  resolve: { conditions: ['@tinysweep/source'] },
  ssr: { resolve: { conditions: ['@tinysweep/source'] } },
  test: {
    include: ['libs/**/src/**/*.spec.ts', 'apps/**/src/**/*.spec.ts', 'test/**/*.test.ts'],
    // Hang guards, not speed targets: cross-process tests wait for states with deadlines of their
    // own (which fail saying what they waited for), and a loaded 2-core machine is slow.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
  },
});
