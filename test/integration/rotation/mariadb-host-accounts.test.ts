/**
 * MySQL/MariaDB single user with several host accounts (`app@%`, `app@192.168.%`): a rotation
 * sets the new password on every one of them or fails without a change; it never succeeds with
 * some accounts left on the old password (issue 9, defect 2). Real MariaDB, the real function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminMaria, mariadbServer, randomPassword, uniqueName } from '#test/helpers/databases.js';
import { mariadbUnderTest } from '#test/helpers/engines-under-test.js';
import {
  pemFile,
  type RotationHarness,
  startRotationHarness,
} from '#test/helpers/rotation-stack.js';

const HOSTS = ['%', '192.168.%'] as const;

let harness: RotationHarness;

beforeAll(async () => {
  harness = await startRotationHarness({
    environment: { ROTASYNC_CA_BUNDLE: pemFile(mariadbServer().caCertPem ?? '') },
  });
});

afterAll(async () => {
  await harness?.stop();
});

const asAdmin = async (sql: string, values: string[] = []): Promise<unknown> => {
  const admin = await adminMaria();
  try {
    const [rows] = await admin.query(sql, values);
    return rows;
  } finally {
    await admin.end();
  }
};

/** A user with one account per host of HOSTS, all with `password`, and `grants` at each. */
const createUserAtHosts = async (password: string, grants: readonly string[]) => {
  const username = uniqueName('app');
  for (const host of HOSTS) {
    await asAdmin('CREATE USER ?@? IDENTIFIED BY ?', [username, host, password]);
    for (const grant of grants) await asAdmin(`GRANT ${grant} TO ?@?`, [username, host]);
  }
  return username;
};

/** Host → whether that account's password is `password`. */
const accountsWith = async (username: string, password: string) => {
  const rows = (await asAdmin(
    'SELECT Host AS host, authentication_string = PASSWORD(?) AS matches FROM mysql.user WHERE User = ? ORDER BY Host',
    [password, username],
  )) as { host: string; matches: number }[];
  return Object.fromEntries(rows.map((row) => [row.host, row.matches === 1]));
};

const newSecret = (username: string, password: string) =>
  harness.createSecret(uniqueName('db/app'), {
    ...mariadbUnderTest.connectionFields(),
    username,
    password,
  });

describe('MariaDB single user with two host accounts', () => {
  it('fails with a clear error, changing no account, when the user cannot list its accounts', async () => {
    // Prepare
    const password = randomPassword();
    const username = await createUserAtHosts(password, []);
    const arn = await newSecret(username, password);

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep).toBe('setSecret');
    expect(outcome.error).toMatch(/cannot list the host accounts of user/);
    expect(outcome.error).toMatch(/SELECT \(User, Host, is_role\) ON mysql\.user/);
    expect(await accountsWith(username, password)).toEqual({ '%': true, '192.168.%': true });
  });

  it('sets every host account when the user may list and change them', async () => {
    // Prepare
    const password = randomPassword();
    const username = await createUserAtHosts(password, [
      'CREATE USER ON *.*',
      'SELECT (User, Host, is_role) ON mysql.user',
    ]);
    const arn = await newSecret(username, password);

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep, outcome.error).toBeUndefined();
    const current = await harness.readJson(arn, 'AWSCURRENT');
    expect(await accountsWith(username, String(current.password))).toEqual({
      '%': true,
      '192.168.%': true,
    });
  });

  it('finishes every host account after a crash left only the first with the new password', async () => {
    // Prepare: a rotation stalled after createSecret, then "the first ALTER USER ran"
    const password = randomPassword();
    const username = await createUserAtHosts(password, [
      'CREATE USER ON *.*',
      'SELECT (User, Host, is_role) ON mysql.user',
    ]);
    const arn = await newSecret(username, password);
    harness.stack.cloud.faults.failNext('DescribeSecret', 1, 'InvalidRequestException');
    const token = await harness.startRotation(arn);
    await harness.stack.cloud.rotationsSettled();
    await harness.invokeStep('createSecret', arn, token);
    const pending = String((await harness.readJson(arn, 'AWSPENDING', token)).password);
    await asAdmin('ALTER USER ?@? IDENTIFIED BY ?', [username, '%', pending]);

    // Act: the service retries the rotation's steps
    for (const step of ['setSecret', 'testSecret', 'finishSecret']) {
      await harness.invokeStep(step, arn, token);
    }

    // Assess
    expect(await accountsWith(username, pending)).toEqual({ '%': true, '192.168.%': true });
    expect((await harness.readJson(arn, 'AWSCURRENT')).password).toBe(pending);
  });
});
