import { defineConfig } from 'vitest/config';

// Four projects: `unit` (no network, fakes and mocked SDK clients), `integration` (real
// PostgreSQL and MariaDB servers started by the global setup, the local cloud over HTTP),
// `deploy` (the CloudFormation `serverless package` writes for each Region's stack, packaged
// once per run by its global setup), and `conformance` (the local cloud's Secrets Manager API
// through the real SDK; it runs unchanged against another endpoint when
// ROTASYNC_CONFORMANCE_ENDPOINT names one).
export default defineConfig({
  test: {
    // The JSON report feeds .ci/run's plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.rotasync/test-results.json' },
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_SERVICE_NAME: 'rotasync',
      POWERTOOLS_DEV: 'false',
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Captures every worker's output for the leak scan (test/harness/leak-scan/).
          setupFiles: ['test/integration/leak-capture.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          globalSetup: ['test/deploy/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
