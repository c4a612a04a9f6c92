/**
 * Scene 4: a disaster-recovery rehearsal with the operator's own commands. The application in
 * the primary Region writes an order; `rotasync drill` finds the recovery Region ready; the
 * primary PostgreSQL server is stopped; `rotasync failover` promotes the streaming replica
 * through the local RDS API (PromoteReadReplica runs pg_promote() on it) and turns the replica
 * secret into a source; the application in the recovery Region reads that Region's secret and
 * writes there; `rotasync rotate` rotates it with that Region's own `rotate` function; and
 * `rotasync status --check` shows the new picture. Each stage prints what it did and its time.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { logsIn, withPgAdmin } from '#local-cloud/databases/clients.js';
import type { LocalRds } from '#local-cloud/rds/index.js';
import { dim, duration, heading, line, ok } from './output.js';
import type { ReplicatedSecret, ReplicationSceneContext } from './replication.js';
import { runRotasyncCommand } from './rotasync-command.js';
import { waitFor } from './setup.js';
import { expectExit, runStage } from './stages.js';

export interface RehearsalContext extends ReplicationSceneContext {
  readonly rds: LocalRds;
  /** The primary's database identifier and its read replica's, as the local RDS lists them. */
  readonly primaryId: string;
  readonly replicaId: string;
  /** Stops the primary server for good (the demo's clean-up then leaves it alone). */
  readonly stopPrimary: () => Promise<void>;
  /** Scene 3's secret: replicated to the recovery Region, its user replayed on the replica. */
  readonly secret: ReplicatedSecret;
}

/** The fields of a database secret the application uses to connect. */
interface DatabaseSecret {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname?: string;
  readonly ssl?: boolean;
}

const ORDERS_TABLE = 'orders';

const readCurrent = async (
  client: SecretsManagerClient,
  secretId: string,
): Promise<DatabaseSecret> => {
  const read = await client.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }),
  );
  return JSON.parse(read.SecretString ?? '{}') as DatabaseSecret;
};

/**
 * As an application does: connects where the secret says with what it holds (TLS verified
 * against the local CA), writes one order and counts them all.
 */
const placeOrder = async (
  secret: DatabaseSecret,
  caCertPem: string | undefined,
  order: { readonly id: number; readonly region: string },
): Promise<number> => {
  const client = new pg.Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname ?? 'postgres',
    ssl: secret.ssl === true ? { ca: caCertPem } : false,
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    await client.query(`INSERT INTO ${ORDERS_TABLE} (id, placed_in) VALUES ($1, $2)`, [
      order.id,
      order.region,
    ]);
    const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ORDERS_TABLE}`);
    return Number(counted.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
};

const errorCode = (error: unknown): string =>
  (error as { code?: string } | undefined)?.code ?? (error as Error).message;

export const runRehearsalScene = async (context: RehearsalContext): Promise<void> => {
  const { stack, sm, postgres, replica, recoveryRegion, rds, secret, timeline } = context;
  const primaryRegion = stack.region;
  const endpoint = stack.cloud.endpoint;
  heading(
    `4. Rehearsal: ${primaryRegion} goes down, ${recoveryRegion} takes over (the rotasync command)`,
  );
  const recovery = new SecretsManagerClient({
    endpoint,
    region: recoveryRegion,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const started = Date.now();
  let stages = 0;
  const stage = async (...args: Parameters<typeof runStage>): Promise<void> => {
    await runStage(...args);
    stages += 1;
  };
  try {
    await stage('before', async ({ say }) => {
      await withPgAdmin(postgres, async (admin) => {
        await admin.query(
          `CREATE TABLE ${ORDERS_TABLE} (id integer PRIMARY KEY, placed_in text NOT NULL, placed_at timestamptz NOT NULL DEFAULT now())`,
        );
        await admin.query(
          `GRANT SELECT, INSERT ON ${ORDERS_TABLE} TO ${pg.escapeIdentifier(secret.username)}`,
        );
      });
      const current = await readCurrent(sm, secret.arn);
      const count = await placeOrder(current, postgres.caCertPem, {
        id: 1,
        region: primaryRegion,
      });
      const written = Date.now();
      say(
        `the application in ${primaryRegion} reads ${secret.name} (AWSCURRENT) and writes ` +
          `order 1 on ${context.primaryId} (:${current.port}): ${count} order in the table`,
      );
      const streamed = await waitFor(() =>
        withPgAdmin(replica, async (admin) => {
          // Until the replica has replayed the CREATE TABLE, the table is unknown there (42P01).
          const found = await admin
            .query(`SELECT 1 FROM ${ORDERS_TABLE} WHERE id = 1`)
            .catch(() => undefined);
          return found?.rowCount === 1;
        }),
      );
      if (!streamed) throw new Error(`order 1 did not reach ${context.replicaId}`);
      say(
        `on ${context.replicaId} in ${recoveryRegion} within ${duration(Date.now() - written)} (streaming replication)`,
      );
      return `order 1 written in ${primaryRegion}, and on the replica`;
    });

    await stage('drill', async (printer) => {
      const run = await runRotasyncCommand(endpoint, ['drill', '--region', recoveryRegion]);
      printer.showRun(run);
      expectExit(run, 0, printer);
      return 'drill passed (exit 0)';
    });

    await stage('disaster', async ({ say }) => {
      await context.stopPrimary();
      say(
        `the PostgreSQL server behind ${context.primaryId} (${primaryRegion}, :${postgres.port}) is stopped`,
      );
      const current = await readCurrent(sm, secret.arn);
      let code: string | undefined;
      try {
        await logsIn(postgres, current.username, current.password);
      } catch (error) {
        code = errorCode(error);
      }
      if (code === undefined) throw new Error(`${context.primaryId} still accepts logins`);
      say(`an application still pointed at ${primaryRegion} cannot connect (${code})`);
      return `${primaryRegion}'s database is gone`;
    });

    await stage('failover', async (printer) => {
      const run = await runRotasyncCommand(endpoint, [
        'failover',
        '--region',
        recoveryRegion,
        '--confirm',
        recoveryRegion,
      ]);
      printer.showRun(run);
      expectExit(run, 0, printer);
      const inRecovery = await withPgAdmin(replica, async (admin) => {
        const result = await admin.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
        return result.rows[0]?.r;
      });
      const described = rds
        .instances()
        .find((i) => i.region === recoveryRegion && i.identifier === context.replicaId);
      if (inRecovery !== false || described?.sourceArn !== undefined) {
        throw new Error(`${context.replicaId} is still a replica`);
      }
      printer.say(
        ok(
          `${context.replicaId} really promoted: pg_is_in_recovery() is false; ` +
            `RDS describes it ${described?.status}, no longer a read replica`,
        ),
      );
      return 'failover done (exit 0)';
    });

    await stage('application', async ({ say }) => {
      const current = await readCurrent(recovery, secret.name);
      if (current.port !== replica.port) {
        throw new Error(`the ${recoveryRegion} secret points at :${current.port}, not the replica`);
      }
      say(
        `the application in ${recoveryRegion} reads ${secret.name} (AWSCURRENT) there through ` +
          `the SDK: ${current.username}@${current.host}:${current.port} (${context.replicaId})`,
      );
      const count = await placeOrder(current, replica.caCertPem, { id: 2, region: recoveryRegion });
      if (count !== 2) throw new Error(`the table holds ${count} orders, not 2`);
      say(ok(`writes order 2 there; the table holds 2 orders (order 1 from before the disaster)`));
      return `the application works in ${recoveryRegion}`;
    });

    await stage('rotation', async (printer) => {
      const before = await readCurrent(recovery, secret.name);
      const since = Date.now();
      const run = await runRotasyncCommand(endpoint, [
        'rotate',
        secret.name,
        '--region',
        recoveryRegion,
      ]);
      printer.showRun(run);
      expectExit(run, 0, printer);
      const described = await recovery.send(new DescribeSecretCommand({ SecretId: secret.name }));
      const ownRotate = stack.functionArn('rotate', recoveryRegion);
      const ranAs = new Set(
        timeline
          .entriesFor(described.ARN ?? '', since)
          .map((entry) => entry.functionArn)
          .filter((arn) => arn !== undefined),
      );
      if (described.RotationLambdaARN !== ownRotate || [...ranAs].join() !== ownRotate) {
        throw new Error(
          `the rotation ran as ${[...ranAs].join(', ') || 'nothing'} (RotationLambdaARN ` +
            `${described.RotationLambdaARN}), not ${ownRotate}`,
        );
      }
      printer.say(`its steps ran in ${ownRotate} ${dim('(the function_arn of its log lines)')}`);
      const rotated = await readCurrent(recovery, secret.name);
      const count = await placeOrder(rotated, replica.caCertPem, { id: 3, region: recoveryRegion });
      const oldRefused = !(await logsIn(replica, before.username, before.password));
      if (count !== 3 || !oldRefused) {
        throw new Error('the new AWSCURRENT does not write, or the old password still logs in');
      }
      printer.say(
        ok('the new AWSCURRENT writes order 3; the password from before the rotation is refused'),
      );
      return `rotated by ${recoveryRegion}'s own rotate function (exit 0)`;
    });

    await stage('status', async (printer) => {
      const run = await runRotasyncCommand(endpoint, [
        'status',
        '--region',
        recoveryRegion,
        '--check',
      ]);
      printer.showRun(run, /^Last outcome comes from version stages/);
      expectExit(run, 0, printer);
      return 'status --check passed (exit 0)';
    });
  } finally {
    recovery.destroy();
  }
  line(
    'rehearsal',
    `${ok(`${stages} stages passed in ${duration(Date.now() - started)}`)} ` +
      dim(`(drill, failover and rotate each started cold in ${recoveryRegion})`),
  );
};
