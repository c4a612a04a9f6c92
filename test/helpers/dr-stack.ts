/**
 * A disaster-recovery harness on the replication stack: the shared PostgreSQL server as the
 * primary Region's database, a fresh real streaming replica of it as the recovery Region's read
 * replica (promoted for real by PromoteReadReplica), the local RDS and CloudWatch over both, and
 * the stack deployed to both Regions (every function, event rules in both), so drill, failover,
 * failback, rotate and replicate run as deployed functions in the Region they serve.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { logsIn, pgClient } from '#local-cloud/databases/clients.js';
import { startPostgresReplica } from '#local-cloud/databases/postgres-replica.js';
import type {
  RunningDatabase,
  RunningDatabaseInfo,
} from '#local-cloud/databases/running-database.js';
import { createLocalRds, type LocalRds, postgresReplicaPair } from '#local-cloud/rds/index.js';
import {
  ACCOUNT_ID,
  PRIMARY as EAST,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';
import type { LocalStack } from '#local-cloud/stack.js';
import { adminPg, createPgUser, postgresServer, randomPassword, uniqueName } from './databases.js';
import { pemFile } from './rotation-stack.js';

export { EAST, WEST };

/** A database secret in the primary Region and what the test needs to know of it. */
export interface DrSecret {
  readonly name: string;
  readonly arn: string;
  readonly username: string;
  readonly password: string;
}

export interface DrHarnessOptions {
  /** How long promotions stay `modifying` in the local RDS. */
  readonly promotionDelayMs?: number;
  /** Extra environment for every function (e.g. ROTASYNC_FAILOVER_MAX_WAIT_SECONDS). */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface DrHarness {
  readonly stack: LocalStack;
  readonly rds: LocalRds;
  readonly primary: RunningDatabaseInfo;
  readonly replica: RunningDatabase;
  readonly functionOutput: string[];
  sm(region: string): SecretsManagerClient;
  /**
   * A PostgreSQL user, its application's table and its secret in the primary Region, tagged to
   * replicate to the recovery Region, replicated there (events delivered), the user replayed on
   * the replica. With `rotationSchedule`, the source rotates (configured, not rotated now).
   */
  createReplicatedSecret(
    prefix: string,
    options?: { readonly rotationSchedule?: string },
  ): Promise<DrSecret>;
  /** The table `secret`'s user may write (PostgreSQL 15 lets no ordinary user create in public). */
  tableOf(secret: DrSecret): string;
  /** The parsed AWSCURRENT of a secret in a Region. */
  readJson(region: string, secretId: string): Promise<Record<string, unknown>>;
  tags(region: string, secretId: string): Promise<Record<string, string>>;
  describe(region: string, secretId: string): Promise<DescribeSecretCommandOutput>;
  putJson(region: string, secretId: string, value: Record<string, unknown>): Promise<string>;
  /** Invokes a function in a Region (default the recovery one); rejects with its error. */
  invoke(
    fn: 'drill' | 'failover' | 'failback',
    payload: unknown,
    region?: string,
  ): Promise<unknown>;
  /** True while the replica server is a standby. */
  replicaInRecovery(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Polls `check` every 100 ms until it holds or `timeoutMs` passes; resolves the last answer. */
export const eventually = async (
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
};

const tableOf = (secret: { readonly username: string }): string => `app_${secret.username}`;

export const startDrHarness = async (options: DrHarnessOptions = {}): Promise<DrHarness> => {
  const primary = postgresServer();
  const replica = await startPostgresReplica(primary);
  const rds = createLocalRds({
    accountId: ACCOUNT_ID,
    instances: postgresReplicaPair(
      ACCOUNT_ID,
      { region: EAST, identifier: 'orders-db', server: primary },
      { region: WEST, identifier: 'orders-db-west', server: replica },
    ),
    ...(options.promotionDelayMs === undefined
      ? {}
      : { promotionDelayMs: options.promotionDelayMs }),
  });
  const harness = await startReplicationHarness({
    recoveryRegions: [WEST],
    rds,
    eventRegions: [EAST, WEST],
    // Only tagged secrets replicate: each test's secrets are its own.
    params: { replicaRegions: '' },
    events: {},
    environment: { ROTASYNC_CA_BUNDLE: pemFile(primary.caCertPem ?? ''), ...options.environment },
  }).catch(async (error: unknown) => {
    await replica.stop();
    throw error;
  });
  const { stack, sm } = harness;
  const readJson = async (region: string, secretId: string) => {
    const read = await sm(region).send(new GetSecretValueCommand({ SecretId: secretId }));
    return JSON.parse(read.SecretString ?? '{}') as Record<string, unknown>;
  };
  return {
    stack,
    rds,
    primary,
    replica,
    functionOutput: harness.functionOutput,
    sm,
    tableOf,
    createReplicatedSecret: async (prefix, secretOptions = {}) => {
      const username = uniqueName(prefix);
      const password = randomPassword();
      await createPgUser(username, password);
      const admin = await adminPg(primary);
      try {
        const table = pg.escapeIdentifier(tableOf({ username }));
        await admin.query(`CREATE TABLE ${table} (note text)`);
        await admin.query(`GRANT SELECT, INSERT ON ${table} TO ${pg.escapeIdentifier(username)}`);
      } finally {
        await admin.end();
      }
      const name = `dr/${username}`;
      const created = await sm(EAST).send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({
            engine: 'postgres',
            host: primary.host,
            port: primary.port,
            username,
            password,
            dbname: 'postgres',
            ssl: true,
          }),
          Tags: [
            { Key: 'rotasync:replicate-to', Value: WEST },
            { Key: 'team', Value: 'orders' },
          ],
        }),
      );
      if (secretOptions.rotationSchedule !== undefined) {
        await sm(EAST).send(
          new RotateSecretCommand({
            SecretId: name,
            RotationLambdaARN: stack.functionArn('rotate', EAST),
            RotationRules: { ScheduleExpression: secretOptions.rotationSchedule },
            RotateImmediately: false,
          }),
        );
        await stack.cloud.rotationsSettled();
      }
      await stack.events.flush();
      if (!(await eventually(() => logsIn(replica, username, password)))) {
        throw new Error(`${username} did not reach the replica`);
      }
      return { name, arn: created.ARN ?? name, username, password };
    },
    readJson,
    tags: async (region, secretId) => {
      const described = await sm(region).send(new DescribeSecretCommand({ SecretId: secretId }));
      return Object.fromEntries(
        (described.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']),
      );
    },
    describe: (region, secretId) =>
      sm(region).send(new DescribeSecretCommand({ SecretId: secretId })),
    putJson: async (region, secretId, value) => {
      const put = await sm(region).send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }),
      );
      return put.VersionId ?? '';
    },
    invoke: (fn, payload, region = WEST) => stack.invoke(fn, payload, region),
    replicaInRecovery: async () => {
      const client = pgClient(replica, replica.adminUser, replica.adminPassword);
      await client.connect();
      try {
        const result = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
        return result.rows[0]?.r === true;
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      await rds.settled();
      await harness.stop();
      await replica.stop();
    },
  };
};

/** Sets a PostgreSQL user's password on `server` as its admin (out of band, as an operator would). */
export const setPgPassword = async (
  server: RunningDatabaseInfo,
  username: string,
  password: string,
): Promise<void> => {
  const admin = await adminPg(server);
  try {
    await admin.query(
      `ALTER ROLE ${pg.escapeIdentifier(username)} PASSWORD ${pg.escapeLiteral(password)}`,
    );
  } finally {
    await admin.end();
  }
};
