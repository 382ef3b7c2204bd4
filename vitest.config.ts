import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['node_modules', 'dist', 'bench/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // In CI a missing R or Chromium fails the run at once, naming it (tests/global-setup.ts).
    globalSetup: ['tests/global-setup.ts'],
    // scrypt at a test cost (2^12): production hashes at OWASP's 2^17, half a second each; a suite signs in hundreds of times.
    env: { MDSURVEY_SCRYPT_LOG2N: '12' },
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
