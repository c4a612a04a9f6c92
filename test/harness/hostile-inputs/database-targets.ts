/**
 * Hostile user names and passwords on the real PostgreSQL and MariaDB servers: a single-user
 * rotation (createSecret, setSecret, testSecret, with the real engines over a FakeSecretStore)
 * of a user whose name and password are built to break quoting. The server must end with no user
 * altered but that one: not a "victim" user created beforehand, and not the users a broken quote
 * would name instead (the name cut short at each quoting character, which are created too).
 *
 * Every name starts with `h<n>_`, so the check never touches users of other tests running at the
 * same time; the hostile part follows it.
 */
import fc from 'fast-check';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { rotate } from '#functions/rotate/rotate.js';
import { singleUser } from '#functions/rotate/strategies/single-user.js';
import { logsIn, mariadbConnection, pgClient } from '#local-cloud/databases/clients.js';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
import { engineFor } from '#shared/engines/index.js';
import { createPasswordGenerator, DEFAULT_PASSWORD_POLICY } from '#shared/passwords.js';
import { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import { plentyOfTime, RecordingLog, TOKEN } from '#test/fakes/rotation-fixtures.js';
import { hostileString, QUOTING_BREAKERS } from './arbitraries.js';
import { firstOf, type HostileInputTarget, leaked, untyped } from './target.js';

/** The servers a run uses: the integration project's, or ones the full run starts. */
export type DatabaseServers = () => Promise<{
  readonly postgres: RunningDatabaseInfo;
  readonly mariadb: RunningDatabaseInfo;
}>;

/** A user name and a password, both hostile. */
export interface HostileCredentials {
  readonly name: string;
  readonly password: string;
}

const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:harness/db-AbCdEf';
const NEIGHBOUR_PASSWORD = 'Neighbour-Pass_0123456789';

/** Names and passwords that fit the servers' limits often enough to be created. */
const credentials: fc.Arbitrary<HostileCredentials> = fc.record({
  name: fc
    .oneof(
      {
        weight: 4,
        arbitrary: fc
          .array(
            fc.oneof(fc.constantFrom(...QUOTING_BREAKERS), fc.stringMatching(/^[a-z0-9_]{1,6}$/)),
            {
              minLength: 1,
              maxLength: 6,
            },
          )
          .map((parts) => parts.join('')),
      },
      { weight: 1, arbitrary: hostileString },
    )
    // Within both servers' limits once prefixed (PostgreSQL cuts names at 63 bytes, silently).
    .filter((name) => Buffer.byteLength(name) <= 48),
  password: fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .array(fc.oneof(fc.constantFrom(...QUOTING_BREAKERS), fc.string({ maxLength: 6 })), {
          minLength: 1,
          maxLength: 8,
        })
        .map((parts) => parts.join('')),
    },
    { weight: 1, arbitrary: hostileString.filter((password) => password.length <= 500) },
  ),
});

/** What the check needs of a server, per engine. */
interface ServerAdmin {
  readonly fields: Record<string, unknown>;
  /** Creates a login user; resolves whether the server accepted it. */
  createUser(name: string, password: string): Promise<boolean>;
  /**
   * The stored password hash (or verifier) of every user whose name starts with `prefix`
   * (letters and digits), keyed by the name as stored (MariaDB: `name@host`).
   */
  hashes(prefix: string): Promise<Map<string, string>>;
  dropUser(name: string): Promise<void>;
  close(): Promise<void>;
}

const postgresAdmin = async (server: RunningDatabaseInfo): Promise<ServerAdmin> => {
  const connect = async (): Promise<pg.Client> => {
    const client = pgClient(server, server.adminUser, server.adminPassword);
    // A hostile statement can end the connection; the error must not escape as unhandled.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  // A connection of its own for each hostile statement: a NUL ends the session it was sent on.
  const run = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const reader = await connect();
  return {
    fields: {
      engine: 'postgres',
      host: server.host,
      port: server.port,
      dbname: 'postgres',
      ssl: true,
    },
    createUser: (name, password) =>
      run(async (client) => {
        try {
          await client.query(
            `CREATE ROLE ${client.escapeIdentifier(name)} LOGIN PASSWORD ${client.escapeLiteral(password)}`,
          );
          return true;
        } catch {
          return false;
        }
      }),
    hashes: async (prefix) => {
      const rows = await reader.query<{ rolname: string; rolpassword: string | null }>(
        'SELECT rolname, rolpassword FROM pg_authid WHERE starts_with(rolname, $1)',
        [prefix],
      );
      return new Map(rows.rows.map((row) => [row.rolname, row.rolpassword ?? '']));
    },
    dropUser: (name) =>
      run(async (client) => {
        await client
          .query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(name)}`)
          .catch(() => undefined);
      }),
    close: () => reader.end(),
  };
};

/**
 * A MariaDB account name as the server compares it: its account tables use PAD SPACE
 * collations, so `app ` and `app` are one account (rotating one rotates the other).
 */
const padSpace = (name: string): string => name.replace(/ +$/, '');

const mariadbAdmin = async (server: RunningDatabaseInfo): Promise<ServerAdmin> => {
  const connect = async (): Promise<mysql.Connection> => {
    const connection = await mariadbConnection(server, server.adminUser, server.adminPassword);
    connection.on('error', () => undefined);
    return connection;
  };
  const run = async <T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> => {
    const connection = await connect();
    try {
      return await work(connection);
    } finally {
      await connection.end().catch(() => undefined);
    }
  };
  const reader = await connect();
  return {
    fields: { engine: 'mariadb', host: server.host, port: server.port, ssl: true },
    createUser: (name, password) =>
      run(async (connection) => {
        try {
          await connection.query("CREATE USER ?@'%' IDENTIFIED BY ?", [name, password]);
          // A single user lists its host accounts (README, "MySQL and MariaDB host accounts").
          await connection.query("GRANT SELECT (User, Host, is_role) ON mysql.user TO ?@'%'", [
            name,
          ]);
          return true;
        } catch {
          return false;
        }
      }),
    hashes: async (prefix) => {
      const [rows] = await reader.query(
        'SELECT User AS user, Host AS host, authentication_string AS hash FROM mysql.user WHERE LEFT(User, ?) = ?',
        [prefix.length, prefix],
      );
      return new Map(
        (rows as { user: string; host: string; hash: string }[]).map((row) => [
          `${padSpace(row.user)}@${row.host}`,
          row.hash,
        ]),
      );
    },
    dropUser: (name) =>
      run(async (connection) => {
        await connection.query("DROP USER IF EXISTS ?@'%'", [name]).catch(() => undefined);
      }),
    close: () => reader.end(),
  };
};

/** Well-formed Unicode (no unpaired surrogate) without NUL: what a user name may be. */
const isText = (name: string): boolean => !/[\p{Cs}\0]/u.test(name);

/**
 * Whether Rotasync must be able to rotate this user: the server created it, an application's
 * own driver logs in with it, and its name is text Rotasync accepts (well-formed Unicode without
 * NUL; for MariaDB within the Basic Multilingual Plane, as its account tables are utf8mb3, so a
 * name with a 4-byte character is stored as another name). Otherwise a typed error and no change
 * are all that is required.
 */
const mustRotate = async (
  engine: 'postgres' | 'mariadb',
  server: RunningDatabaseInfo,
  created: boolean,
  name: string,
  password: string,
): Promise<boolean> => {
  if (!created || password === '' || !isText(name)) return false;
  if (engine === 'mariadb' && /[\u{10000}-\u{10FFFF}]/u.test(name)) return false;
  return logsIn(server, name, password).catch(() => false);
};

/** The names a broken quote would reach instead: the name cut at each quoting character. */
const neighboursOf = (name: string, prefix: string): string[] => {
  const cuts = new Set<string>();
  for (let i = prefix.length + 1; i < name.length; i += 1) {
    if (!/[a-z0-9_]/.test(name.charAt(i))) cuts.add(name.slice(0, i));
  }
  return [...cuts].slice(0, 3);
};

const databaseTarget = (
  engine: 'postgres' | 'mariadb',
  servers: DatabaseServers,
): HostileInputTarget<HostileCredentials> => ({
  name: `${engine} user names`,
  description: `single-user rotation on the real ${engine === 'postgres' ? 'PostgreSQL 18' : 'MariaDB 10.11'} server, hostile user name and password`,
  arbitrary: credentials,
  runs: { reduced: 10, full: 400 },
  open: async () => {
    const server = (await servers())[engine];
    const admin = engine === 'postgres' ? await postgresAdmin(server) : await mariadbAdmin(server);
    // Every user of this run starts with `h<run>`: what is watched, whatever runs beside it.
    const run = `h${Math.random().toString(36).slice(2, 6)}`;
    const victim = `${run}victim`;
    await admin.createUser(victim, NEIGHBOUR_PASSWORD);
    let counter = 0;
    return {
      check: async ({ name: hostile, password }) => {
        counter += 1;
        const prefix = `${run}${counter}_`;
        const name = `${prefix}${hostile}`;
        const neighbours = neighboursOf(name, prefix);
        const created = await admin.createUser(name, password);
        for (const neighbour of neighbours) await admin.createUser(neighbour, NEIGHBOUR_PASSWORD);
        try {
          const rotatable = await mustRotate(engine, server, created, name, password);
          const before = await admin.hashes(run);
          const store = FakeSecretStore.withCurrent(
            SECRET_ID,
            JSON.stringify({ ...admin.fields, username: name, password }),
          );
          store.startRotation(SECRET_ID, TOKEN);
          const deps = {
            store,
            engineFor,
            strategyFor: () => singleUser,
            passwordPolicy: DEFAULT_PASSWORD_POLICY,
            generatePassword: () => createPasswordGenerator(DEFAULT_PASSWORD_POLICY)(),
            connect: { connectTimeoutMs: 5_000, caBundle: server.caCertPem },
            log: new RecordingLog(),
          };
          for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) {
            const stepBefore = await admin.hashes(run);
            try {
              await rotate(
                { Step: step, SecretId: SECRET_ID, ClientRequestToken: TOKEN },
                deps,
                plentyOfTime,
              );
            } catch (error) {
              const after = await admin.hashes(run);
              return firstOf(
                // A user the server accepted is a user Rotasync must be able to rotate.
                rotatable
                  ? `an application logs in as this user, but ${step} failed: ${String((error as Error).message).slice(0, 200)}`
                  : undefined,
                untyped(error),
                [...after].some(([user, hash]) => stepBefore.get(user) !== hash)
                  ? `${step} failed but altered a user`
                  : undefined,
                leaked(
                  [String((error as Error).message)],
                  [password].filter((p) => p.length >= 8),
                ),
              );
            }
          }
          if (!created) return 'a user the server refused to create was rotated';
          if (!isText(name)) return 'a user name that is not text was rotated';
          const after = await admin.hashes(run);
          // As the server stores the name: UTF-8, so a lone surrogate became U+FFFD.
          const stored = Buffer.from(name, 'utf8').toString('utf8');
          const own = engine === 'postgres' ? stored : `${padSpace(stored)}@%`;
          const altered = [...after].filter(([user, hash]) => before.get(user) !== hash);
          if (altered.some(([user]) => user !== own)) {
            return `the rotation of ${JSON.stringify(name)} altered another user`;
          }
          return altered.length === 1 ? undefined : 'the rotation did not change the password';
        } finally {
          for (const user of [name, ...neighbours]) await admin.dropUser(user);
        }
      },
      close: async () => {
        await admin.dropUser(victim);
        await admin.close();
      },
    };
  },
});

/** Both engines' targets over `servers`. */
export const databaseUserNames = (
  servers: DatabaseServers,
): HostileInputTarget<HostileCredentials>[] => [
  databaseTarget('postgres', servers),
  databaseTarget('mariadb', servers),
];
