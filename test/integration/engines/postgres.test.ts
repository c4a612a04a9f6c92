import { createServer, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '#local-cloud/databases/postgres-server.js';
import {
  freePort,
  type RunningDatabase,
  type RunningDatabaseInfo,
} from '#local-cloud/databases/running-database.js';
import type { ConnectOptions, DbSession, DbTarget, TlsMode } from '#shared/engines/engine.js';
import { postgresEngine } from '#shared/engines/postgres/engine.js';
import { scramSha256Verifier } from '#shared/engines/postgres/scram.js';
import { DatabaseUnreachableError, StatementFailedError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';
import {
  adminPg,
  createPgUser,
  postgresServer,
  randomPassword,
  uniqueName,
  untrustedCaPem,
  waitForLogLines,
} from '#test/helpers/databases.js';

const CANARY = 'canary-Pw-7f3a9c';
const ALL_PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

const endpointOf = (
  server: RunningDatabaseInfo,
  tls: TlsMode,
  host: string = server.host,
): DbTarget => ({
  host,
  port: server.port,
  database: undefined,
  tls,
});

const optionsOf = (server: RunningDatabaseInfo): ConnectOptions => ({
  connectTimeoutMs: 5_000,
  caBundle: server.caCertPem,
});

const login = async (
  server: RunningDatabaseInfo,
  username: string,
  password: string,
  tls: TlsMode = 'require',
): Promise<DbSession | undefined> =>
  postgresEngine.login(
    endpointOf(server, tls),
    { username, password: new Sensitive(password) },
    optionsOf(server),
  );

/** Logs in, asserts the login succeeded, and returns the session. */
const loginOk = async (
  server: RunningDatabaseInfo,
  username: string,
  password: string,
  tls: TlsMode = 'require',
): Promise<DbSession> => {
  const session = await login(server, username, password, tls);
  expect(session).toBeDefined();
  if (!session) throw new Error(`login as ${username} was rejected`);
  return session;
};

const adminSession = async (server = postgresServer()): Promise<DbSession> =>
  loginOk(server, server.adminUser, server.adminPassword);

/** Whether the open backend of `username` uses TLS, from pg_stat_ssl. */
const backendUsesTls = async (server: RunningDatabaseInfo, username: string): Promise<boolean> => {
  const admin = await adminPg(server);
  try {
    const result = await admin.query<{ ssl: boolean }>(
      `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
        WHERE a.usename = $1`,
      [username],
    );
    expect(result.rows).toHaveLength(1);
    return result.rows[0]?.ssl === true;
  } finally {
    await admin.end();
  }
};

/** The error `work` rejects with (fails the test when it resolves). */
const rejectionOf = async (work: Promise<unknown>): Promise<unknown> => {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

const expectNoCanary = (error: unknown): void => {
  const cause = (error as { cause?: unknown }).cause;
  expect(inspect(error, { depth: 5 })).not.toContain(CANARY);
  expect(String(error)).not.toContain(CANARY);
  expect(inspect(cause, { depth: 5 })).not.toContain(CANARY);
};

describe('postgresEngine.login', () => {
  let plainServer: RunningDatabase;
  let tlsOnlyServer: RunningDatabase;
  let silentServer: Server;
  const silentSockets: Socket[] = [];

  beforeAll(async () => {
    [plainServer, tlsOnlyServer] = await Promise.all([
      startPostgres({ tls: false }),
      startPostgres({ requireTls: true }),
    ]);
    // Accepts TCP connections and never answers: a black-holed database.
    silentServer = createServer((socket) => silentSockets.push(socket));
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => silentServer?.close(resolve));
    await Promise.all([plainServer?.stop(), tlsOnlyServer?.stop()]);
  });

  it('logs in with the right password, TLS verified against the server CA', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('login_ok');
    await createPgUser(user, CANARY);

    // Act
    const session = await loginOk(server, user, CANARY);

    // Assess
    expect(session.username).toBe(user);
    await expect(session.probe()).resolves.toBeUndefined();
    expect(await backendUsesTls(server, user)).toBe(true);
    await session.close();
  });

  it('verifies the DNS name too when the host is "localhost"', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('login_dns');
    await createPgUser(user, CANARY);

    // Act
    const session = await postgresEngine.login(
      endpointOf(server, 'require', 'localhost'),
      { username: user, password: new Sensitive(CANARY) },
      optionsOf(server),
    );

    // Assess
    expect(session?.username).toBe(user);
    await session?.close();
  });

  it('resolves undefined for a wrong password and for an unknown user', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('login_bad');
    await createPgUser(user, randomPassword());

    // Act
    const wrongPassword = await login(server, user, CANARY);
    const unknownUser = await login(server, uniqueName('nobody'), CANARY);

    // Assess
    expect(wrongPassword).toBeUndefined();
    expect(unknownUser).toBeUndefined();
  });

  it('throws DatabaseUnreachableError when nothing listens on the port', async () => {
    // Prepare
    const server = postgresServer();
    const closed = { ...server, port: await freePort() };

    // Act
    const error = await rejectionOf(login(closed, 'app', CANARY));

    // Assess
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expectNoCanary(error);
  });

  it.each<TlsMode>(['require', 'prefer', 'disable'])(
    'gives up after the connect timeout against a silent server (tls %s)',
    async (tls) => {
      // Prepare
      const address = silentServer.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const started = Date.now();

      // Act
      const error = await rejectionOf(
        postgresEngine.login(
          { host: '127.0.0.1', port, database: undefined, tls },
          { username: 'app', password: new Sensitive(CANARY) },
          { connectTimeoutMs: 300, caBundle: undefined },
        ),
      );

      // Assess
      expect(error).toBeInstanceOf(DatabaseUnreachableError);
      expect(Date.now() - started).toBeLessThan(5_000);
      expectNoCanary(error);
    },
  );

  it('require: refuses a server whose CA is not in the bundle, before sending the password', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('login_wrong_ca');
    await createPgUser(user, CANARY);

    // Act
    const wrongBundle = await rejectionOf(
      postgresEngine.login(
        endpointOf(server, 'require'),
        { username: user, password: new Sensitive(CANARY) },
        { ...optionsOf(server), caBundle: untrustedCaPem() },
      ),
    );
    const systemRoots = await rejectionOf(
      postgresEngine.login(
        endpointOf(server, 'require'),
        { username: user, password: new Sensitive(CANARY) },
        { ...optionsOf(server), caBundle: undefined },
      ),
    );

    // Assess
    expect(wrongBundle).toBeInstanceOf(DatabaseUnreachableError);
    expect(systemRoots).toBeInstanceOf(DatabaseUnreachableError);
    expect(String(wrongBundle)).toMatch(/certificate/i);
    expectNoCanary(wrongBundle);
    expect(await waitForLogLines(server, new RegExp(user), 300)).toEqual([]);
  });

  it('prefer uses TLS when the server offers it', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('prefer_tls');
    await createPgUser(user, CANARY);

    // Act
    const session = await loginOk(server, user, CANARY, 'prefer');

    // Assess
    expect(await backendUsesTls(server, user)).toBe(true);
    await session.close();
  });

  it('disable connects in plain text', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('disable_plain');
    await createPgUser(user, CANARY);

    // Act
    const session = await loginOk(server, user, CANARY, 'disable');

    // Assess
    expect(await backendUsesTls(server, user)).toBe(false);
    await session.close();
  });

  it('prefer against a server without TLS logs in plain with exactly one login attempt', async () => {
    // Prepare
    const user = uniqueName('prefer_plain');
    await createPgUser(user, CANARY, '', plainServer);

    // Act
    const session = await loginOk(plainServer, user, CANARY, 'prefer');

    // Assess
    expect(await backendUsesTls(plainServer, user)).toBe(false);
    await session.close();
    const attempts = await waitForLogLines(plainServer, new RegExp(`authorized: user=${user}\\b`));
    expect(attempts).toHaveLength(1);
  });

  it('prefer with a wrong password: rejected after one TLS attempt, never retried in plain', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('prefer_bad');
    await createPgUser(user, randomPassword());

    // Act
    const session = await login(server, user, CANARY, 'prefer');

    // Assess
    expect(session).toBeUndefined();
    const failures = await waitForLogLines(
      server,
      new RegExp(`password authentication failed for user "${user}"`),
    );
    expect(failures).toHaveLength(1);
  });

  it('require against a server without TLS throws instead of falling back', async () => {
    // Prepare
    const user = uniqueName('require_no_tls');
    await createPgUser(user, CANARY, '', plainServer);

    // Act
    const error = await rejectionOf(login(plainServer, user, CANARY, 'require'));

    // Assess
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expectNoCanary(error);
  });

  it('a pg_hba.conf that refuses plain connections is not a credentials rejection', async () => {
    // Prepare
    const user = uniqueName('hostssl_only');
    await createPgUser(user, CANARY, '', tlsOnlyServer);

    // Act
    const plain = await rejectionOf(login(tlsOnlyServer, user, CANARY, 'disable'));
    const secure = await loginOk(tlsOnlyServer, user, CANARY, 'require');

    // Assess
    expect(plain).toBeInstanceOf(DatabaseUnreachableError);
    expect((plain as Error).cause).toMatchObject({ code: '28000' });
    expectNoCanary(plain);
    await secure.close();
  });
});

describe('PostgresSession.setPassword', () => {
  const names = ['we"ird user', '"we""ird user"', "o'brien\\x"];
  const passwords = [
    ['every printable ASCII character', ALL_PRINTABLE],
    ['quotes, backslash, $ and %', `'"\\$$%s%%$1\`\\'--;`],
    ['100 characters', randomPassword(100)],
  ] as const;

  it.each(names.flatMap((name) => passwords.map(([label, password]) => [name, label, password])))(
    'sets the password of %j to one with %s; the old one stops working',
    async (name, _label, password) => {
      // Prepare
      const server = postgresServer();
      const user = `${name} ${uniqueName('u')}`;
      const oldPassword = randomPassword();
      await createPgUser(user, oldPassword);
      const admin = await adminSession();

      // Act
      await admin.setPassword(user, new Sensitive(password));
      await admin.close();

      // Assess
      const withNew = await loginOk(server, user, password);
      await withNew.close();
      expect(await login(server, user, oldPassword)).toBeUndefined();
    },
  );

  it.each([
    ['printable ASCII', ALL_PRINTABLE],
    ['non-ASCII that SASLprep normalizes', '\uFB01 caf\u00E9\u00A0x\u00AD\u2168'],
  ])('computes the verifier the server computes itself (%s)', async (_label, password) => {
    // Prepare: the server hashes a plaintext password
    const user = uniqueName('verifier');
    await createPgUser(user, password);
    const admin = await adminPg();
    const stored = await admin.query<{ rolpassword: string }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [user],
    );
    await admin.end();
    const serverVerifier = stored.rows[0]?.rolpassword ?? '';
    const salt = Buffer.from(serverVerifier.split(/[:$]/)[2] ?? '', 'base64');

    // Act
    const verifier = await scramSha256Verifier(password, salt);

    // Assess
    expect(salt).toHaveLength(16);
    expect(verifier).toBe(serverVerifier);
  });

  it('lets a user change its own password', async () => {
    // Prepare
    const server = postgresServer();
    const user = uniqueName('self');
    const oldPassword = randomPassword();
    await createPgUser(user, oldPassword);
    const session = await loginOk(server, user, oldPassword);

    // Act
    await session.setPassword(user, new Sensitive(CANARY));
    await session.close();

    // Assess
    const withNew = await loginOk(server, user, CANARY);
    await withNew.close();
    expect(await login(server, user, oldPassword)).toBeUndefined();
  });

  it('names a failed statement with StatementFailedError and its SQLSTATE, never the password', async () => {
    // Prepare: a user without CREATEROLE may not set another role's password.
    const server = postgresServer();
    const user = uniqueName('weak');
    const victim = uniqueName('victim');
    const password = randomPassword();
    await createPgUser(user, password);
    await createPgUser(victim, randomPassword());
    const session = await loginOk(server, user, password);

    // Act
    const error = await rejectionOf(session.setPassword(victim, new Sensitive(CANARY)));
    await session.close();

    // Assess
    expect(error).toBeInstanceOf(StatementFailedError);
    expect(error).toMatchObject({
      name: 'StatementFailedError',
      statement: `set the password of "${victim}"`,
      code: '42501',
    });
    expectNoCanary(error);
  });

  it('sends a SCRAM verifier: the server statement log never holds the password', async () => {
    // Prepare: a superuser whose statements are all logged
    const server = postgresServer();
    const logged = uniqueName('logged_su');
    const loggedPassword = randomPassword();
    await createPgUser(logged, loggedPassword, 'SUPERUSER');
    const admin = await adminPg();
    await admin.query(`ALTER ROLE ${admin.escapeIdentifier(logged)} SET log_statement = 'all'`);
    const target = uniqueName('target');
    await createPgUser(target, randomPassword());
    const session = await loginOk(server, logged, loggedPassword);

    // Act
    await session.setPassword(target, new Sensitive(CANARY));
    await session.close();

    // Assess
    const statements = await waitForLogLines(server, new RegExp(`ALTER ROLE "${target}"`));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain("PASSWORD 'SCRAM-SHA-256$4096:");
    expect(statements.join('\n')).not.toContain(CANARY);
    const stored = await admin.query<{ rolpassword: string }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [target],
    );
    expect(stored.rows[0]?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:[^$]+\$[^:]+:.+$/);
    await admin.end();
    const withNew = await loginOk(server, target, CANARY);
    await withNew.close();
  });
});

describe('PostgresSession.ensureClone', () => {
  /** Creates an original role with a table it may read and write, and CREATE on a schema. */
  const prepareOriginal = async (original: string, password: string, options = '') => {
    await createPgUser(original, password, options);
    const admin = await adminPg();
    const table = uniqueName('shared_t');
    const schema = uniqueName('app_schema');
    const o = admin.escapeIdentifier(original);
    await admin.query(`CREATE TABLE ${table} (id int)`);
    await admin.query(`GRANT SELECT, INSERT ON ${table} TO ${o}`);
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${o}`);
    await admin.end();
    return { table, schema };
  };

  const pgClient = async (user: string, password: string): Promise<pg.Client> => {
    const server = postgresServer();
    const client = new pg.Client({
      host: server.host,
      port: server.port,
      user,
      password,
      database: 'postgres',
      ssl: { ca: server.caCertPem },
    });
    await client.connect();
    return client;
  };

  const roleState = async (name: string) => {
    const admin = await adminPg();
    const role = await admin.query(
      `SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,
              rolbypassrls, rolconnlimit, rolvaliduntil::text FROM pg_roles WHERE rolname = $1`,
      [name],
    );
    const memberships = await admin.query(
      `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1 ORDER BY 1`,
      [name],
    );
    const settings = await admin.query(
      `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles u ON u.oid = s.setrole
        WHERE u.rolname = $1`,
      [name],
    );
    await admin.end();
    return { role: role.rows, memberships: memberships.rows, settings: settings.rows };
  };

  it('creates a clone that can do what the original can, and whose objects the original owns', async () => {
    // Prepare
    const original = uniqueName('app');
    const clone = `${original}_clone`;
    const originalPassword = randomPassword();
    const { table, schema } = await prepareOriginal(original, originalPassword);
    const admin = await adminSession();

    // Act
    await admin.ensureClone(original, clone, new Sensitive(CANARY));
    await admin.close();

    // Assess: the clone reads and writes what the original may
    const asClone = await pgClient(clone, CANARY);
    await asClone.query(`INSERT INTO ${table} VALUES (1)`);
    expect((await asClone.query(`SELECT id FROM ${table}`)).rows).toEqual([{ id: 1 }]);
    // ...and what it creates belongs to the original
    await asClone.query(`CREATE TABLE ${schema}.made_by_clone (id int)`);
    await asClone.query(`INSERT INTO ${schema}.made_by_clone VALUES (2)`);
    await asClone.end();
    const checker = await adminPg();
    const owner = await checker.query<{ tableowner: string }>(
      'SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = $2',
      [schema, 'made_by_clone'],
    );
    await checker.end();
    expect(owner.rows).toEqual([{ tableowner: original }]);
    const asOriginal = await pgClient(original, originalPassword);
    await asOriginal.query(`INSERT INTO ${schema}.made_by_clone VALUES (3)`);
    await asOriginal.query(`ALTER TABLE ${schema}.made_by_clone ADD COLUMN note text`);
    const rows = await asOriginal.query(`SELECT id FROM ${schema}.made_by_clone ORDER BY id`);
    await asOriginal.end();
    expect(rows.rows).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it('copies the role attributes that matter', async () => {
    // Prepare
    const original = uniqueName('app_attrs');
    const clone = `${original}_clone`;
    await prepareOriginal(
      original,
      randomPassword(),
      "CREATEDB CREATEROLE BYPASSRLS CONNECTION LIMIT 7 VALID UNTIL '2099-01-01 00:00:00+00'",
    );
    const admin = await adminSession();

    // Act
    await admin.ensureClone(original, clone, new Sensitive(CANARY));

    // Assess
    const originalState = await roleState(original);
    const cloneState = await roleState(clone);
    expect(cloneState.role).toEqual(originalState.role);
    expect(cloneState.memberships).toEqual([{ rolname: original }]);
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    await admin.close();
  });

  it('is a no-op when run again, and the clone keeps working', async () => {
    // Prepare
    const original = uniqueName('app_again');
    const clone = `${original}_clone`;
    await prepareOriginal(original, randomPassword(), 'CONNECTION LIMIT 3');
    const admin = await adminSession();
    await admin.ensureClone(original, clone, new Sensitive(CANARY));
    const before = await roleState(clone);

    // Act
    await admin.ensureClone(original, clone, new Sensitive(CANARY));

    // Assess
    expect(await roleState(clone)).toEqual(before);
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    await admin.close();
    const session = await loginOk(postgresServer(), clone, CANARY);
    await session.close();
  });

  it('sets the password of an existing clone and completes its privileges', async () => {
    // Prepare: a clone left half-made (exists with another password, nothing granted)
    const original = uniqueName('app_half');
    const clone = `${original}_clone`;
    const stalePassword = randomPassword();
    await prepareOriginal(original, randomPassword());
    await createPgUser(clone, stalePassword);
    const admin = await adminSession();

    // Act
    await admin.ensureClone(original, clone, new Sensitive(CANARY));

    // Assess
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    await admin.close();
    expect(await login(postgresServer(), clone, stalePassword)).toBeUndefined();
    const session = await loginOk(postgresServer(), clone, CANARY);
    await session.close();
  });

  it('quotes names that need quoting', async () => {
    // Prepare
    const original = `we"ird ${uniqueName('App')}`;
    const clone = `${original}_clone`;
    const { table } = await prepareOriginal(original, randomPassword());
    const admin = await adminSession();

    // Act
    await admin.ensureClone(original, clone, new Sensitive(ALL_PRINTABLE));

    // Assess
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    await admin.close();
    const asClone = await pgClient(clone, ALL_PRINTABLE);
    const whoami = await asClone.query('SELECT current_user AS acting, session_user AS login');
    await asClone.query(`INSERT INTO ${table} VALUES (1)`);
    await asClone.end();
    expect(whoami.rows).toEqual([{ acting: original, login: clone }]);
  });

  it('changes nothing when the original does not exist', async () => {
    // Prepare
    const clone = uniqueName('orphan_clone');
    const admin = await adminSession();

    // Act
    const error = await rejectionOf(
      admin.ensureClone(uniqueName('missing'), clone, new Sensitive(CANARY)),
    );

    // Assess
    expect(String(error)).toMatch(/does not exist/);
    expectNoCanary(error);
    expect((await roleState(clone)).role).toEqual([]);
    await expect(admin.probe()).resolves.toBeUndefined();
    await admin.close();
  });

  it('describes what a bare user lacks compared with the original', async () => {
    // Prepare
    const original = uniqueName('app_diff');
    const bare = uniqueName('bare');
    await prepareOriginal(original, randomPassword(), 'CREATEDB');
    await createPgUser(bare, randomPassword());
    const admin = await adminSession();

    // Act
    const differences = await admin.describePrivilegeDifferences(original, bare);

    // Assess
    await admin.close();
    expect(differences).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`is not a member of "${original}"`),
        expect.stringContaining('at login'),
        expect.stringContaining('CREATEDB'),
      ]),
    );
    expect(differences.join('\n')).not.toContain(CANARY);
  });
});
