/**
 * Starts the integration project's database servers once per run, in parallel, and hands their
 * connection data to the tests (`inject('postgres')`, `inject('mariadb')`, typed in
 * test/helpers/databases.ts). Vitest calls the returned function after the last test.
 *
 * It also runs the leak scan (test/harness/leak-scan/): the run folder every worker captures
 * into (`inject('leakScan')`), this process's capture of the servers' logs, and the final scan
 * once the servers have stopped; a value found fails the run.
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
import { startLeakScanRun } from '#test/harness/leak-scan/run.js';

// Only data crosses to the test workers: `stop` and `restart` stay here.
const infoOf = ({
  stop: _stop,
  restart: _restart,
  ...info
}: RunningDatabase): RunningDatabaseInfo => info;

/** Vitest globalSetup: starts PostgreSQL and MariaDB, resolves their teardown. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  // First, so the servers' logs are captured from their first line.
  const leakScan = await startLeakScanRun(project.config.root);
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
    await leakScan.discard();
    const reasons = started.flatMap((result) =>
      result.status === 'rejected' ? [String(result.reason)] : [],
    );
    throw new Error(`integration databases failed to start:\n${reasons.join('\n')}`);
  }

  project.provide('postgres', infoOf(postgres.value));
  project.provide('mariadb', infoOf(mariadb.value));
  project.provide('untrustedCaPem', untrustedCa.value.certPem);
  project.provide('leakScan', { dir: leakScan.dir, key: leakScan.key });
  leakScan.learn('admin password of the PostgreSQL server', postgres.value.adminPassword);
  leakScan.learn('admin password of the MariaDB server', mariadb.value.adminPassword);
  return async () => {
    await stopAll();
    await leakScan.finish();
  };
}
