/**
 * The rotation contract, for every engine and strategy, end to end through the local cloud's
 * RotateSecret and the real `rotate` function: rotations succeed and the application keeps
 * working; every step is idempotent; an interrupted rotation resumes; bad secrets change nothing.
 */
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mariadbServer,
  postgresServer,
  randomPassword,
  uniqueName,
} from '#test/helpers/databases.js';
import {
  type EngineUnderTest,
  mariadbUnderTest,
  postgresUnderTest,
} from '#test/helpers/engines-under-test.js';
import {
  pemFile,
  type RotationHarness,
  startRotationHarness,
} from '#test/helpers/rotation-stack.js';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

let harness: RotationHarness;

beforeAll(async () => {
  const bundle = [postgresServer().caCertPem, mariadbServer().caCertPem].join('\n');
  harness = await startRotationHarness({ environment: { ROTASYNC_CA_BUNDLE: pemFile(bundle) } });
});

afterAll(async () => {
  await harness?.stop();
});

type Strategy = 'single user' | 'alternating users';

const superuserArns = new Map<string, string>();

/** The engine's superuser secret (created once per engine), for alternating users. */
const superuserSecret = async (db: EngineUnderTest): Promise<string> => {
  const known = superuserArns.get(db.engine);
  if (known) return known;
  const server = db.server();
  const created = await harness.sm.send(
    new CreateSecretCommand({
      Name: `rotasync-superuser/${db.engine}-${uniqueName('admin')}`,
      SecretString: JSON.stringify({
        ...db.connectionFields(),
        username: server.adminUser,
        password: server.adminPassword,
      }),
    }),
  );
  const arn = created.ARN ?? '';
  superuserArns.set(db.engine, arn);
  return arn;
};

const newSecret = async (db: EngineUnderTest, strategy: Strategy) => {
  const username = uniqueName('app');
  const password = randomPassword();
  await db.createUser(username, password);
  const value: Record<string, unknown> = {
    ...db.connectionFields(),
    username,
    password,
    ...(strategy === 'alternating users' ? { masterarn: await superuserSecret(db) } : {}),
  };
  const arn = await harness.createSecret(uniqueName('db/app'), value);
  return { arn, username, password, value };
};

const current = async (arn: string) => {
  const value = await harness.readJson(arn, 'AWSCURRENT');
  return { username: String(value.username), password: String(value.password) };
};

/** Runs a rotation whose createSecret fails before it changes anything; resolves the token. */
const startStalledRotation = async (arn: string): Promise<string> => {
  harness.stack.cloud.faults.failNext('DescribeSecret', 1, 'InvalidRequestException');
  const token = await harness.startRotation(arn);
  const outcomes = await harness.stack.cloud.rotationsSettled();
  expect(outcomes.find((outcome) => outcome.token === token)?.failedStep).toBe('createSecret');
  return token;
};

const cases: readonly [string, EngineUnderTest, Strategy][] = [
  ['PostgreSQL', postgresUnderTest, 'single user'],
  ['PostgreSQL', postgresUnderTest, 'alternating users'],
  ['MariaDB', mariadbUnderTest, 'single user'],
  ['MariaDB', mariadbUnderTest, 'alternating users'],
];

describe.each(cases)('%s, %s', (_name, db, strategy) => {
  const alternating = strategy === 'alternating users';

  it('rotates three times; the application keeps working throughout', async () => {
    // Prepare
    const { arn, username } = await newSecret(db, strategy);

    for (let round = 0; round < 3; round += 1) {
      const before = await current(arn);
      const session = await db.openSession(before.username, before.password);
      let refused = 0;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const now = await current(arn);
          if (!(await db.logsIn(now.username, now.password))) refused += 1;
        }
      })();

      // Act
      const outcome = await harness.rotate(arn);
      watching = false;
      await watcher;

      // Assess
      expect(outcome.failedStep, outcome.error).toBeUndefined();
      const after = await current(arn);
      expect(after.password).not.toBe(before.password);
      expect(await db.logsIn(after.username, after.password)).toBe(true);
      // A session opened with the old credentials keeps working (logins are checked once).
      await expect(session.query()).resolves.toBeUndefined();
      await session.close();
      if (alternating) {
        expect(after.username).toBe(round % 2 === 0 ? `${username}_clone` : username);
        // The user the application was using is never altered: its credentials still log in,
        // and AWSCURRENT logged in at every instant.
        expect(await db.logsIn(before.username, before.password)).toBe(true);
        expect(refused).toBe(0);
      } else {
        expect(after.username).toBe(username);
        expect(await db.logsIn(before.username, before.password)).toBe(false);
      }
    }
  });

  it('gives the same end state when every step is invoked twice', async () => {
    // Prepare
    const { arn } = await newSecret(db, strategy);
    const token = await startStalledRotation(arn);

    // Act
    for (const step of STEPS) {
      await harness.invokeStep(step, arn, token);
      await harness.invokeStep(step, arn, token);
    }

    // Assess
    const stages = await harness.stages(arn);
    expect(stages[token]).toContain('AWSCURRENT');
    const now = await current(arn);
    expect(await db.logsIn(now.username, now.password)).toBe(true);
  });

  it.each([1, 2, 3])(
    'completes a rotation interrupted after %i steps when resumed',
    async (done) => {
      // Prepare
      const { arn } = await newSecret(db, strategy);
      const token = await startStalledRotation(arn);
      for (const step of STEPS.slice(0, done)) await harness.invokeStep(step, arn, token);

      // Act
      await expect(harness.startRotation(arn)).rejects.toThrow(/previous rotation isn't complete/);
      const outcomes = await harness.stack.cloud.rotationsSettled();

      // Assess
      expect(outcomes.at(-1)?.token).toBe(token);
      expect(outcomes.at(-1)?.failedStep, outcomes.at(-1)?.error).toBeUndefined();
      const now = await current(arn);
      expect(await db.logsIn(now.username, now.password)).toBe(true);
    },
  );

  it('fails a secret without a password at createSecret and writes nothing', async () => {
    // Prepare
    const { arn, value, username, password } = await newSecret(db, strategy);
    const { password: _dropped, ...broken } = value;
    await harness.sm.send(
      new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(broken) }),
    );

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep).toBe('createSecret');
    await expect(harness.readJson(arn, 'AWSPENDING', outcome.token)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await db.logsIn(username, password)).toBe(true);
  });

  if (alternating) {
    it('fails in setSecret when the superuser secret is missing, creating no user', async () => {
      // Prepare
      const { arn, value, username } = await newSecret(db, strategy);
      const missing = `${await superuserSecret(db)}-missing`;
      await harness.sm.send(
        new PutSecretValueCommand({
          SecretId: arn,
          SecretString: JSON.stringify({ ...value, masterarn: missing }),
        }),
      );

      // Act
      const outcome = await harness.rotate(arn);

      // Assess
      expect(outcome.failedStep).toBe('setSecret');
      const pending = await harness.readJson(arn, 'AWSPENDING', outcome.token);
      expect(await db.logsIn(`${username}_clone`, String(pending.password))).toBe(false);
    });
  }
});
