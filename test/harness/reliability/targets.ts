/**
 * What the harness rotates: per engine and strategy, a database user (MariaDB users with two
 * host accounts, `'%'` and `'10.%'`) and its secret, which points at the SQL proxy; and the
 * checks the invariants need, made straight against the real server as its admin.
 */
import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { logsIn, mariadbConnection, pgClient } from '#local-cloud/databases/clients.js';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
import type { Engine } from '#shared/engines/engine.js';
import { mariadbEngine } from '#shared/engines/mysql/engine.js';
import { postgresEngine } from '#shared/engines/postgres/engine.js';
import { Sensitive } from '#shared/sensitive.js';
import type { EngineKey, Rig } from './rig.js';

export type StrategyKey = 'single' | 'alternating';

/** The host accounts every MariaDB user of the harness has. */
const MARIADB_HOSTS = ['%', '10.%'] as const;

/** A rotated secret and the user it started with. */
export interface Target {
  readonly engine: EngineKey;
  readonly strategy: StrategyKey;
  readonly arn: string;
  /** The original user (alternating users: without `_clone`). */
  readonly base: string;
}

export type LoginVerdict = 'ok' | 'refused' | 'unreachable';

const name = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;
const password = (): string => randomBytes(18).toString('base64url');

const HARNESS_SCHEMA = 'rotasync_harness';

const asPgAdmin = async <T>(
  server: RunningDatabaseInfo,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> => {
  const client = pgClient(server, server.adminUser, server.adminPassword);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const asMariaAdmin = async <T>(
  server: RunningDatabaseInfo,
  work: (connection: mysql.Connection) => Promise<T>,
): Promise<T> => {
  const connection = await mariadbConnection(server, server.adminUser, server.adminPassword);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
};

const createPgUser = (server: RunningDatabaseInfo, user: string, secret: string) =>
  asPgAdmin(server, async (client) => {
    const role = client.escapeIdentifier(user);
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(secret)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${HARNESS_SCHEMA}_orders (id int)`);
    await client.query(`GRANT SELECT, INSERT ON ${HARNESS_SCHEMA}_orders TO ${role}`);
  });

const createMariaUser = (
  server: RunningDatabaseInfo,
  user: string,
  secret: string,
  strategy: StrategyKey,
) =>
  asMariaAdmin(server, async (connection) => {
    await connection.query(`CREATE DATABASE IF NOT EXISTS ${HARNESS_SCHEMA}`);
    for (const host of MARIADB_HOSTS) {
      await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, secret]);
      await connection.query(`GRANT SELECT ON ${HARNESS_SCHEMA}.* TO ?@?`, [user, host]);
      // A single user lists its host accounts, and changes the ones it is not logged in as.
      await connection.query('GRANT SELECT (User, Host, is_role) ON mysql.user TO ?@?', [
        user,
        host,
      ]);
      if (strategy === 'single')
        await connection.query('GRANT CREATE USER ON *.* TO ?@?', [user, host]);
    }
  });

/** Where a secret for `engine` points: the proxy, with the engine's connection fields. */
const connectionFields = (rig: Rig, engine: EngineKey): Record<string, unknown> => ({
  engine,
  host: '127.0.0.1',
  port: rig.proxyFor(engine).port,
  ...(engine === 'postgres' ? { dbname: 'postgres' } : {}),
});

const superuserArns = new WeakMap<Rig, Map<EngineKey, string>>();

/** The engine's superuser secret (its admin), created once per rig. */
const superuserSecret = async (rig: Rig, engine: EngineKey): Promise<string> => {
  const known = superuserArns.get(rig) ?? new Map<EngineKey, string>();
  superuserArns.set(rig, known);
  const existing = known.get(engine);
  if (existing) return existing;
  const server = rig.servers[engine];
  const arn = await rig.createSecret(name(`harness/superuser-${engine}`), {
    ...connectionFields(rig, engine),
    username: server.adminUser,
    password: server.adminPassword,
  });
  known.set(engine, arn);
  return arn;
};

/** A new user and its secret (no rotation yet). */
export const createTarget = async (
  rig: Rig,
  engine: EngineKey,
  strategy: StrategyKey,
): Promise<Target> => {
  const user = name(engine === 'postgres' ? 'hpg' : 'hmaria');
  const secret = password();
  const server = rig.servers[engine];
  if (engine === 'postgres') await createPgUser(server, user, secret);
  else await createMariaUser(server, user, secret, strategy);
  const arn = await rig.createSecret(name(`harness/${engine}-${strategy}`), {
    ...connectionFields(rig, engine),
    username: user,
    password: secret,
    ...(strategy === 'alternating' ? { masterarn: await superuserSecret(rig, engine) } : {}),
  });
  return { engine, strategy, arn, base: user };
};

/** Whether the credentials log in, straight to the server (as the application does). */
export const tryLogin = async (
  rig: Rig,
  engine: EngineKey,
  username: string,
  secret: string,
): Promise<LoginVerdict> => {
  try {
    return (await logsIn(rig.servers[engine], username, secret)) ? 'ok' : 'refused';
  } catch {
    return 'unreachable';
  }
};

/** MariaDB: the host accounts of `username` that do not have `secret` as their password. */
export const hostAccountsWithout = async (
  rig: Rig,
  username: string,
  secret: string,
): Promise<string[]> =>
  asMariaAdmin(rig.servers.mariadb, async (connection) => {
    const [rows] = await connection.query(
      'SELECT Host AS host, authentication_string = PASSWORD(?) AS matches FROM mysql.user WHERE User = ? ORDER BY Host',
      [secret, username],
    );
    const accounts = rows as { host: string; matches: number }[];
    const missing = MARIADB_HOSTS.filter((host) => !accounts.some((row) => row.host === host));
    return [
      ...missing.map((host) => `no account at ${host}`),
      ...accounts
        .filter((row) => row.matches !== 1)
        .map((row) => `${row.host} has another password`),
    ];
  });

const ENGINES: Record<EngineKey, Engine> = { postgres: postgresEngine, mariadb: mariadbEngine };

/** Alternating users: what the clone lacks or has beyond the original, through the admin. */
export const cloneDifferences = async (
  rig: Rig,
  engine: EngineKey,
  base: string,
): Promise<readonly string[]> => {
  const server = rig.servers[engine];
  const session = await ENGINES[engine].login(
    { host: server.host, port: server.port, database: undefined, tls: 'require' },
    { username: server.adminUser, password: new Sensitive(server.adminPassword) },
    { connectTimeoutMs: 5_000, caBundle: server.caCertPem },
  );
  if (!session) throw new Error('the admin was rejected');
  try {
    return await session.describePrivilegeDifferences(base, `${base}_clone`);
  } finally {
    await session.close();
  }
};
