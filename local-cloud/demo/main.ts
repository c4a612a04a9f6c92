/**
 * `npm start`: the whole story on one machine, without an AWS account. It starts a real
 * PostgreSQL server and the local cloud (Secrets Manager speaking the AWS wire protocol, with the
 * project's own Lambda functions from serverless.yml), then rotates database credentials exactly
 * as the service would, showing which credentials log in at each stage. It cleans up after itself.
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
import { bold, dim, heading, line } from './output.js';
import { runReplicationScene } from './replication.js';
import { runSingleUserScene } from './single-user.js';
import { StepTimeline } from './step-timeline.js';

const PRIMARY = 'us-east-1';
const RECOVERY = 'us-west-2';
const cleanups: (() => Promise<void> | void)[] = [];

const cleanUp = async (): Promise<void> => {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`clean-up step failed: ${error instanceof Error ? error.message : error}`);
    }
  }
  cleanups.length = 0;
};

const main = async (): Promise<void> => {
  const started = Date.now();
  console.log(bold('Rotasync: database credential rotation on a local cloud'));
  heading('Starting');
  const postgres = await startPostgres();
  cleanups.push(() => postgres.stop());
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
      { region: PRIMARY, identifier: 'orders-db', server: postgres },
      { region: RECOVERY, identifier: 'orders-db-west', server: replica },
    ),
  });
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

  await runSingleUserScene({ stack, sm, postgres, timeline });
  await runAlternatingUsersScene({ stack, sm, postgres, timeline });
  await runReplicationScene({ stack, sm, postgres, timeline, replica, recoveryRegion: RECOVERY });

  heading('Done');
  line('total', `${((Date.now() - started) / 1000).toFixed(1)} s; servers stopped, files removed`);
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(cleanUp);
