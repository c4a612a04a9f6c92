import { createServer, type Server } from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariadb } from '#local-cloud/databases/mariadb-server.js';
import type {
  RunningDatabase,
  RunningDatabaseInfo,
} from '#local-cloud/databases/running-database.js';
import type { DbSession, DbTarget, TlsMode } from '#shared/engines/engine.js';
import { mariadbEngine } from '#shared/engines/mysql/engine.js';
import { DatabaseUnreachableError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';
import {
  adminMaria,
  mariadbServer,
  randomPassword,
  uniqueName,
  untrustedCaPem,
} from '#test/helpers/databases.js';

/** Every printable ASCII character, quotes and backslash included. */
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const WEIRD = "we'ird`user";

const endpointOf = (server: RunningDatabaseInfo, tls: TlsMode): DbTarget => ({
  host: server.host,
  port: server.port,
  database: undefined,
  tls,
});

const optionsOf = (server: RunningDatabaseInfo, caBundle = server.caCertPem) => ({
  connectTimeoutMs: 10_000,
  caBundle,
});

const loginAs = (username: string, password: string, tls: TlsMode = 'require') =>
  mariadbEngine.login(
    endpointOf(mariadbServer(), tls),
    { username, password: new Sensitive(password) },
    optionsOf(mariadbServer()),
  );

/** Logs in as the admin (TLS verified) and returns the session. */
const adminSession = async (): Promise<DbSession> => {
  const server = mariadbServer();
  const session = await loginAs(server.adminUser, server.adminPassword);
  if (session === undefined) throw new Error('the admin login was rejected');
  return session;
};

/** Runs SQL (with ? values) as the admin over a plain mysql2 connection. */
const adminSql = async (sql: string, values: unknown[] = []): Promise<mysql.RowDataPacket[]> => {
  const connection = await adminMaria();
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(sql, values);
    return Array.isArray(rows) ? rows : [];
  } finally {
    await connection.end();
  }
};

/** Whether `user` can log in with `password` (TLS verified), checked with the engine. */
const canLogIn = async (user: string, password: string, tls: TlsMode = 'require') => {
  const session = await loginAs(user, password, tls);
  await session?.close();
  return session !== undefined;
};

/** Runs `sql` as `user` over TLS with mysql2; resolves 'ok' or the error code. */
const tryAs = async (user: string, password: string, sql: string): Promise<string> => {
  const server = mariadbServer();
  const connection = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user,
    password,
    ...(server.caCertPem === undefined ? {} : { ssl: { ca: server.caCertPem } }),
  });
  try {
    await connection.query(sql);
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  } finally {
    await connection.end();
  }
};

const grantsOf = async (user: string, host: string): Promise<string[]> =>
  (await adminSql('SHOW GRANTS FOR ?@?', [user, host])).map((row) => String(Object.values(row)[0]));

describe('MariaDB login', () => {
  it('opens a session with the right password over verified TLS', async () => {
    // Prepare
    const user = uniqueName('login');
    const password = randomPassword();
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);

    // Act
    const session = await loginAs(user, password, 'require');

    // Assess
    expect(session?.username).toBe(user);
    await expect(session?.probe()).resolves.toBeUndefined();
    await session?.close();
  });

  it('says a session may write on a server whose read_only is off, and writes nothing to say so', async () => {
    // Prepare
    const session = await adminSession();
    // Act
    const answer = await session.canWrite();
    await session.close();
    // Assess
    expect(answer).toBe('writable');
  });

  it('resolves undefined for a wrong password and for an unknown user', async () => {
    // Prepare
    const user = uniqueName('login');
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', randomPassword()]);

    // Act
    const wrong = await loginAs(user, 'not-the-password');
    const unknown = await loginAs(uniqueName('nobody'), 'whatever');

    // Assess
    expect(wrong).toBeUndefined();
    expect(unknown).toBeUndefined();
  });

  it('throws DatabaseUnreachableError, without the password, when nothing listens', async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((resolve) => closed.close(resolve));
    const password = 'canary-unreachable-pw';

    // Act
    const attempt = mariadbEngine.login(
      { host: '127.0.0.1', port, database: undefined, tls: 'disable' },
      { username: 'app', password: new Sensitive(password) },
      { connectTimeoutMs: 5_000, caBundle: undefined },
    );

    // Assess
    const error = await attempt.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect(String(error)).not.toContain(password);
    expect(JSON.stringify(error)).not.toContain(password);
  });

  describe('against a server that accepts TCP and never answers', () => {
    let silent: Server;
    let port = 0;
    beforeAll(async () => {
      silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const address = silent.address();
      port = typeof address === 'object' && address !== null ? address.port : 0;
    });
    afterAll(async () => {
      await new Promise((resolve) => silent.close(resolve));
    });

    it.each(['require', 'prefer', 'disable'] as const)(
      'gives up after connectTimeoutMs with tls %s',
      async (tls) => {
        // Act
        const attempt = mariadbEngine.login(
          { host: '127.0.0.1', port, database: undefined, tls },
          { username: 'app', password: new Sensitive('pw') },
          { connectTimeoutMs: 300, caBundle: undefined },
        );

        // Assess
        await expect(attempt).rejects.toBeInstanceOf(DatabaseUnreachableError);
      },
    );
  });

  it('refuses a server certificate from another CA in require mode', async () => {
    // Prepare
    const server = mariadbServer();

    // Act
    const attempt = mariadbEngine.login(
      endpointOf(server, 'require'),
      { username: server.adminUser, password: new Sensitive(server.adminPassword) },
      optionsOf(server, untrustedCaPem()),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnreachableError);
    await expect(attempt).rejects.toThrow(/could not log in/);
  });

  it('uses TLS in prefer mode when the server offers it', async () => {
    // Prepare: a REQUIRE SSL account logs in only over TLS.
    const user = uniqueName('prefer');
    const password = randomPassword();
    await adminSql('CREATE USER ?@? IDENTIFIED BY ? REQUIRE SSL', [user, '%', password]);

    // Act
    const preferred = await canLogIn(user, password, 'prefer');
    const plain = await canLogIn(user, password, 'disable');

    // Assess: without TLS the server answers 1045, the same as a wrong password.
    expect(preferred).toBe(true);
    expect(plain).toBe(false);
  });

  describe('against a server without TLS', () => {
    let plainServer: RunningDatabase;
    beforeAll(async () => {
      plainServer = await startMariadb({ tls: false });
    });
    afterAll(async () => {
      await plainServer.stop();
    });

    const admin = () => ({
      username: plainServer.adminUser,
      password: new Sensitive(plainServer.adminPassword),
    });

    it('connects plain in prefer mode', async () => {
      // Act
      const session = await mariadbEngine.login(
        endpointOf(plainServer, 'prefer'),
        admin(),
        optionsOf(mariadbServer()),
      );

      // Assess
      expect(session).toBeDefined();
      await expect(session?.probe()).resolves.toBeUndefined();
      await session?.close();
    });

    it('throws DatabaseUnreachableError in require mode', async () => {
      // Act
      const attempt = mariadbEngine.login(
        endpointOf(plainServer, 'require'),
        admin(),
        optionsOf(mariadbServer()),
      );

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(DatabaseUnreachableError);
    });
  });
});

describe('MariaDB setPassword', () => {
  let admin: DbSession;
  beforeAll(async () => {
    admin = await adminSession();
  });
  afterAll(async () => {
    await admin.close();
  });

  it("sets the password of every host part: '%', '127.0.0.1' and 'localhost'", async () => {
    // Prepare
    const user = uniqueName('hosts');
    for (const host of ['%', '127.0.0.1', 'localhost']) {
      await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [user, host, randomPassword()]);
    }
    const password = `${PRINTABLE}-hosts`;

    // Act
    await admin.setPassword(user, new Sensitive(password));

    // Assess
    const updated = await adminSql(
      'SELECT Host FROM mysql.user WHERE User = ? AND authentication_string = PASSWORD(?) ORDER BY Host',
      [user, password],
    );
    expect(updated.map((row) => row.Host)).toEqual(['%', '127.0.0.1', 'localhost']);
    expect(await canLogIn(user, password)).toBe(true);
  });

  it('sets a password with every printable character for a user named with quotes', async () => {
    // Prepare
    const user = `${WEIRD}_${uniqueName('p').slice(2)}`;
    const old = randomPassword();
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', old]);

    // Act
    await admin.setPassword(user, new Sensitive(PRINTABLE));

    // Assess
    expect(await canLogIn(user, PRINTABLE)).toBe(true);
    expect(await canLogIn(user, old)).toBe(false);
  });

  it('lets an unprivileged user set its own password', async () => {
    // Prepare: MariaDB refuses such a user ALTER USER; SET PASSWORD must take over.
    const user = uniqueName('self');
    const old = randomPassword();
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', old]);
    const session = await loginAs(user, old);
    const next = `${PRINTABLE}-self`;

    // Act
    await session?.setPassword(user, new Sensitive(next));
    await session?.close();

    // Assess
    expect(session).toBeDefined();
    expect(await canLogIn(user, next)).toBe(true);
    expect(await canLogIn(user, old)).toBe(false);
  });

  it('fails without echoing the password when the session may not change another user', async () => {
    // Prepare
    const user = uniqueName('weak');
    const victim = uniqueName('victim');
    const password = randomPassword();
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [victim, '%', randomPassword()]);
    const session = await loginAs(user, password);
    const canary = 'canary-Zq7-not-to-be-seen';

    // Act
    const error = await session?.setPassword(victim, new Sensitive(canary)).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    await session?.close();

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toContain(canary);
    expect(JSON.stringify(error)).not.toContain(canary);
    // A named member of the family, not a bare RotasyncError.
    expect((error as Error).name).toMatch(/^(StatementFailedError|DatabaseUserError)$/);
  });

  it('throws for a user with no account', async () => {
    // Act / Assess
    await expect(
      admin.setPassword(uniqueName('ghost'), new Sensitive(randomPassword())),
    ).rejects.toThrow(/no account/);
  });
});

describe('MariaDB ensureClone', () => {
  let admin: DbSession;
  let schema: string;
  let role: string;
  beforeAll(async () => {
    admin = await adminSession();
    schema = uniqueName('db');
    role = uniqueName('role');
    await adminSql(`CREATE DATABASE \`${schema}\``);
    await adminSql(`CREATE TABLE \`${schema}\`.t (id INT)`);
    await adminSql(`CREATE TABLE \`${schema}\`.secret (id INT)`);
    await adminSql(`INSERT INTO \`${schema}\`.t VALUES (1)`);
    // Created by the admin, so the admin holds it WITH ADMIN OPTION and may grant it.
    await adminSql('CREATE ROLE ?', [role]);
    await adminSql(`GRANT SELECT ON \`${schema}\`.secret TO ?`, [role]);
  });
  afterAll(async () => {
    await admin.close();
  });

  /** An original user at '%' and '127.0.0.1' with table grants, a role and REQUIRE SSL. */
  const makeOriginal = async (name = uniqueName('orig')): Promise<string> => {
    const password = randomPassword();
    for (const host of ['%', '127.0.0.1']) {
      await adminSql('CREATE USER ?@? IDENTIFIED BY ? REQUIRE SSL', [name, host, password]);
    }
    await adminSql(`GRANT SELECT, INSERT ON \`${schema}\`.t TO ?@?`, [name, '%']);
    await adminSql(`GRANT SELECT ON \`${schema}\`.t TO ?@? WITH GRANT OPTION`, [name, '127.0.0.1']);
    await adminSql('GRANT ? TO ?@?', [role, name, '127.0.0.1']);
    await adminSql('SET DEFAULT ROLE ? FOR ?@?', [role, name, '127.0.0.1']);
    return name;
  };

  it('gives the clone exactly the original privileges at every host part', async () => {
    // Prepare
    const original = await makeOriginal();
    const clone = `${original}_clone`;
    const password = `${PRINTABLE}-clone`;

    // Act
    await admin.ensureClone(original, clone, new Sensitive(password));

    // Assess
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    const hosts = await adminSql('SELECT Host, ssl_type FROM mysql.user WHERE User = ?', [clone]);
    expect(hosts.map((row) => [row.Host, row.ssl_type]).sort()).toEqual([
      ['%', 'ANY'],
      ['127.0.0.1', 'ANY'],
    ]);
    expect(await tryAs(clone, password, `SELECT * FROM \`${schema}\`.t`)).toBe('ok');
    expect(await tryAs(clone, password, `SELECT * FROM \`${schema}\`.secret`)).toBe('ok');
    expect(await tryAs(clone, password, `DELETE FROM \`${schema}\`.t`)).toBe(
      'ER_TABLEACCESS_DENIED_ERROR',
    );
    expect(await canLogIn(clone, password, 'disable')).toBe(false);
  });

  it('denies the clone what the original cannot do, by the same error', async () => {
    // Prepare
    const original = await makeOriginal();
    const clone = `${original}_clone`;
    const password = randomPassword();
    const originalPassword = randomPassword();
    await admin.setPassword(original, new Sensitive(originalPassword));

    // Act
    await admin.ensureClone(original, clone, new Sensitive(password));

    // Assess
    for (const sql of [
      `INSERT INTO \`${schema}\`.t VALUES (2)`,
      `DROP TABLE \`${schema}\`.t`,
      'SELECT * FROM mysql.user',
    ]) {
      expect(await tryAs(clone, password, sql)).toBe(await tryAs(original, originalPassword, sql));
    }
  });

  it('takes away what the clone has beyond the original', async () => {
    // Prepare
    const original = await makeOriginal();
    const clone = `${original}_clone`;
    await admin.ensureClone(original, clone, new Sensitive(randomPassword()));
    await adminSql(`GRANT DELETE ON \`${schema}\`.t TO ?@? WITH GRANT OPTION`, [clone, '%']);
    await adminSql(`GRANT SELECT ON \`${schema}\`.secret TO ?@?`, [clone, '%']);
    await adminSql('ALTER USER ?@? REQUIRE NONE', [clone, '127.0.0.1']);
    const before = await admin.describePrivilegeDifferences(original, clone);

    // Act
    await admin.ensureClone(original, clone, new Sensitive(randomPassword()));

    // Assess
    expect(before).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`DELETE on \`${schema}\`.\`t\``),
        expect.stringContaining('TLS requirement NONE instead of SSL'),
      ]),
    );
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
  });

  it('finishes a clone left without grants by a crash after CREATE USER', async () => {
    // Prepare: the clone exists with its new password at one host only, with no grants.
    const original = await makeOriginal();
    const clone = `${original}_clone`;
    const password = randomPassword();
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [clone, '127.0.0.1', password]);
    const before = await admin.describePrivilegeDifferences(original, clone);

    // Act
    await admin.ensureClone(original, clone, new Sensitive(password));

    // Assess
    expect(before.length).toBeGreaterThan(0);
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    expect(await tryAs(clone, password, `SELECT * FROM \`${schema}\`.secret`)).toBe('ok');
  });

  it('changes nothing on a second run', async () => {
    // Prepare
    const original = await makeOriginal();
    const clone = `${original}_clone`;
    const password = randomPassword();
    await admin.ensureClone(original, clone, new Sensitive(password));
    const grants = [await grantsOf(clone, '%'), await grantsOf(clone, '127.0.0.1')];

    // Act
    await admin.ensureClone(original, clone, new Sensitive(password));

    // Assess
    expect([await grantsOf(clone, '%'), await grantsOf(clone, '127.0.0.1')]).toEqual(grants);
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    expect(await canLogIn(clone, password)).toBe(true);
  });

  it('clones a user whose name holds a quote and a backtick', async () => {
    // Prepare
    const original = await makeOriginal(`${WEIRD}${uniqueName('').slice(1)}`);
    const clone = `${original}_c`;

    // Act
    await admin.ensureClone(original, clone, new Sensitive(PRINTABLE));

    // Assess
    expect(await admin.describePrivilegeDifferences(original, clone)).toEqual([]);
    expect(await tryAs(clone, PRINTABLE, `SELECT * FROM \`${schema}\`.t`)).toBe('ok');
  });

  it('refuses to clone a user with no account', async () => {
    // Act / Assess
    await expect(
      admin.ensureClone(uniqueName('ghost'), uniqueName('ghost'), new Sensitive(randomPassword())),
    ).rejects.toThrow(/no account/);
  });

  it('reports a missing clone and an extra host part', async () => {
    // Prepare
    const original = await makeOriginal();
    const clone = `${original}_clone`;
    await adminSql('CREATE USER ?@? IDENTIFIED BY ?', [clone, '10.9.%', randomPassword()]);

    // Act
    const differences = await admin.describePrivilegeDifferences(original, clone);

    // Assess
    expect(differences).toEqual([
      `"${clone}" has no account at host "%"`,
      `"${clone}" has no account at host "127.0.0.1"`,
      `"${clone}" has an account at host "10.9.%", which "${original}" lacks`,
    ]);
  });
});
