/**
 * A statement that hangs ends within the step's time left, as StepTimeoutError, instead of
 * running into the Lambda's own timeout (issue 9, harness faults): here a password change waits
 * on a lock another session holds. Real PostgreSQL and MariaDB servers.
 */
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
import type { ConnectOptions, DbSession, Engine } from '#shared/engines/engine.js';
import { mariadbEngine } from '#shared/engines/mysql/engine.js';
import { postgresEngine } from '#shared/engines/postgres/engine.js';
import { StepTimeoutError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';
import {
  adminMaria,
  adminPg,
  createMariaUser,
  createPgUser,
  mariadbServer,
  postgresServer,
  randomPassword,
  uniqueName,
} from '#test/helpers/databases.js';
import { mariadbUnderTest, postgresUnderTest } from '#test/helpers/engines-under-test.js';

const BUDGET_MS = 1_500;
// Long enough that a statement without a timeout is still waiting when the budget is over; it
// then completes, so the test fails instead of hanging.
const LOCK_HELD_MS = 8_000;

const releases: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(releases.splice(0).map((release) => release()));
});

/** Options with a step deadline BUDGET_MS from now. */
const withBudget = (server: RunningDatabaseInfo): ConnectOptions => {
  const end = Date.now() + BUDGET_MS;
  return {
    connectTimeoutMs: 5_000,
    caBundle: server.caCertPem,
    timeLeftMs: () => end - Date.now(),
  };
};

const loginAs = async (
  engine: Engine,
  server: RunningDatabaseInfo,
  username: string,
  password: string,
): Promise<DbSession> => {
  const session = await engine.login(
    { host: server.host, port: server.port, database: undefined, tls: 'require' },
    { username, password: new Sensitive(password) },
    withBudget(server),
  );
  if (!session) throw new Error(`${username} was rejected`);
  return session;
};

/** Holds `release` for LOCK_HELD_MS at most; the test's afterEach releases it at once. */
const holdFor = (release: () => Promise<void>): void => {
  let released = false;
  const once = async (): Promise<void> => {
    if (released) return;
    released = true;
    await release();
  };
  const timer = setTimeout(() => void once(), LOCK_HELD_MS);
  releases.push(async () => {
    clearTimeout(timer);
    await once();
  });
};

const outcomeOf = (work: Promise<unknown>): Promise<unknown> =>
  work.then(
    () => 'completed',
    (error: unknown) => error,
  );

describe('PostgreSQL', () => {
  it('ends an ALTER ROLE that waits on a lock with StepTimeoutError; nothing changes', async () => {
    // Prepare: another transaction holds the role's row
    const server = postgresServer();
    const user = uniqueName('locked');
    const password = randomPassword();
    await createPgUser(user, password);
    const blocker: pg.Client = await adminPg();
    await blocker.query('BEGIN');
    await blocker.query(`ALTER ROLE ${blocker.escapeIdentifier(user)} CONNECTION LIMIT 5`);
    holdFor(async () => {
      await blocker.query('ROLLBACK');
      await blocker.end();
    });
    const session = await loginAs(postgresEngine, server, user, password);

    // Act
    const outcome = await outcomeOf(session.setPassword(user, new Sensitive(randomPassword())));
    await session.close();

    // Assess
    expect(outcome).toBeInstanceOf(StepTimeoutError);
    expect(String(outcome)).toMatch(/did not finish within the step's time left/);
    await releases.splice(0)[0]?.();
    expect(await postgresUnderTest.logsIn(user, password)).toBe(true);
  });
});

describe('MariaDB', () => {
  it('ends an ALTER USER that waits on a lock with StepTimeoutError; nothing changes', async () => {
    // Prepare: another session holds the privilege table
    const server = mariadbServer();
    const user = uniqueName('locked');
    const password = randomPassword();
    await createMariaUser(user, password);
    const admin = await adminMaria();
    await admin.query('GRANT SELECT (User, Host, is_role) ON mysql.user TO ?@?', [user, '%']);
    await admin.end();
    const session = await loginAs(mariadbEngine, server, user, password);
    const blocker: mysql.Connection = await adminMaria();
    await blocker.query('LOCK TABLES mysql.global_priv WRITE');
    holdFor(async () => {
      await blocker.query('UNLOCK TABLES');
      await blocker.end();
    });

    // Act
    const outcome = await outcomeOf(session.setPassword(user, new Sensitive(randomPassword())));
    await session.close();

    // Assess
    expect(outcome).toBeInstanceOf(StepTimeoutError);
    await releases.splice(0)[0]?.();
    expect(await mariadbUnderTest.logsIn(user, password)).toBe(true);
  });
});
