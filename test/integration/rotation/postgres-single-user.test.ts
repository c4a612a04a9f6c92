/**
 * End to end: the local cloud's RotateSecret invokes the real `rotate` function (its own
 * execution environment, configured from serverless.yml) against a real PostgreSQL server.
 */
import { CancelRotateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPgUser,
  postgresServer,
  randomPassword,
  readServerLog,
  uniqueName,
} from '#test/helpers/databases.js';
import {
  pemFile,
  pgLogsIn,
  type RotationHarness,
  startRotationHarness,
} from '#test/helpers/rotation-stack.js';

/** The error messages the function logged for a secret. */
const errorMessagesFor = (arn: string): string[] =>
  harness.functionOutput.flatMap((line) => {
    const entry = JSON.parse(line) as { secretId?: string; error?: { message?: string } };
    return entry.secretId === arn && entry.error?.message ? [entry.error.message] : [];
  });

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

let harness: RotationHarness;

beforeAll(async () => {
  const server = postgresServer();
  harness = await startRotationHarness({
    environment: { ROTASYNC_CA_BUNDLE: pemFile(server.caCertPem ?? '') },
  });
});

afterAll(async () => {
  await harness?.stop();
});

const newUserSecret = async (
  options: { username?: string; password?: string; overrides?: Record<string, unknown> } = {},
) => {
  const server = postgresServer();
  const username = options.username ?? uniqueName('app');
  const password = options.password ?? randomPassword();
  await createPgUser(username, password);
  const value = {
    engine: 'postgres',
    host: server.host,
    port: server.port,
    username,
    password,
    dbname: 'postgres',
    ...options.overrides,
  };
  const arn = await harness.createSecret(uniqueName('db/app'), value);
  return { arn, username, password, value };
};

/** Login attempts for `username` in the server's log: successes and failures. */
const loginAttempts = async (username: string) => {
  const log = await readServerLog(postgresServer());
  const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    succeeded: log.match(new RegExp(`connection authorized: user=${escaped} `, 'g'))?.length ?? 0,
    failed:
      log.match(new RegExp(`password authentication failed for user "${escaped}"`, 'g'))?.length ??
      0,
  };
};

/** Login attempts once the server's log has caught up (its lines trail the events slightly). */
const settledLoginAttempts = async (username: string, atLeast: number) => {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const attempts = await loginAttempts(username);
    if (attempts.succeeded + attempts.failed >= atLeast || Date.now() > deadline) {
      // A short grace period, so a late extra attempt would still be counted.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return loginAttempts(username);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Runs a rotation whose createSecret fails before it changes anything; resolves the token. */
const startStalledRotation = async (arn: string): Promise<string> => {
  // InvalidRequestException is not retried by the SDK: createSecret's DescribeSecret fails once.
  harness.stack.cloud.faults.failNext('DescribeSecret', 1, 'InvalidRequestException');
  const token = await harness.startRotation(arn);
  const outcomes = await harness.stack.cloud.rotationsSettled();
  expect(outcomes.find((outcome) => outcome.token === token)?.failedStep).toBe('createSecret');
  return token;
};

describe('PostgreSQL single-user rotation through RotateSecret', () => {
  it('rotates three times; AWSCURRENT logs in after each, the old password is refused', async () => {
    // Prepare
    const server = postgresServer();
    const { arn, username, password } = await newUserSecret();
    const passwords = [password];

    for (let round = 0; round < 3; round += 1) {
      // Act
      const outcome = await harness.rotate(arn);

      // Assess
      expect(outcome.failedStep, outcome.error).toBeUndefined();
      const current = await harness.readJson(arn, 'AWSCURRENT');
      expect(current.username).toBe(username);
      expect(await pgLogsIn(server, username, String(current.password))).toBe(true);
      expect(await pgLogsIn(server, username, passwords.at(-1) ?? '')).toBe(false);
      passwords.push(String(current.password));
    }
    expect(new Set(passwords).size).toBe(4);
    const previous = await harness.readJson(arn, 'AWSPREVIOUS');
    expect(previous.password).toBe(passwords.at(-2));
  });

  it('makes at most 10 Secrets Manager calls and 2 login attempts, none failing', async () => {
    // Prepare
    const { arn, username } = await newUserSecret();
    const before = await loginAttempts(username);
    harness.stack.cloud.requestLog.clear();

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep, outcome.error).toBeUndefined();
    const calls = harness.stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.caller === 'local-rotate');
    expect(calls.map((entry) => entry.operation)).toEqual([
      'DescribeSecret',
      'GetSecretValue',
      'PutSecretValue',
      'DescribeSecret',
      'GetSecretValue',
      'GetSecretValue',
      'DescribeSecret',
      'GetSecretValue',
      'DescribeSecret',
      'UpdateSecretVersionStage',
    ]);
    expect(calls.every((entry) => entry.outcome === 'ok')).toBe(true);
    const after = await settledLoginAttempts(username, before.succeeded + before.failed + 2);
    expect(after.succeeded - before.succeeded).toBe(2);
    expect(after.failed - before.failed).toBe(0);
  });

  it('gives the same end state when every step is invoked twice', async () => {
    // Prepare
    const server = postgresServer();
    const { arn, username } = await newUserSecret();
    const token = await startStalledRotation(arn);

    // Act
    for (const step of STEPS) {
      await harness.invokeStep(step, arn, token);
      await harness.invokeStep(step, arn, token);
    }

    // Assess
    const stages = await harness.stages(arn);
    expect(stages[token]).toContain('AWSCURRENT');
    expect(Object.values(stages).filter((labels) => labels.includes('AWSCURRENT'))).toHaveLength(1);
    const current = await harness.readJson(arn, 'AWSCURRENT');
    expect(await pgLogsIn(server, username, String(current.password))).toBe(true);
  });

  it.each([
    ['createSecret', 1],
    ['setSecret', 2],
    ['testSecret', 3],
  ] as const)(
    'completes a rotation interrupted after %s when it is resumed',
    async (_step, done) => {
      // Prepare
      const server = postgresServer();
      const { arn, username, password } = await newUserSecret();
      const token = await startStalledRotation(arn);
      for (const step of STEPS.slice(0, done)) await harness.invokeStep(step, arn, token);

      // Act: the service answers "A previous rotation isn't complete" and re-runs that rotation.
      await expect(harness.startRotation(arn)).rejects.toThrow(/previous rotation isn't complete/);
      const outcomes = await harness.stack.cloud.rotationsSettled();

      // Assess
      expect(outcomes.at(-1)?.token).toBe(token);
      expect(outcomes.at(-1)?.failedStep, outcomes.at(-1)?.error).toBeUndefined();
      const current = await harness.readJson(arn, 'AWSCURRENT');
      expect(await pgLogsIn(server, username, String(current.password))).toBe(true);
      expect(await pgLogsIn(server, username, password)).toBe(false);
    },
  );

  it('rotates a user whose name needs quoting, from a password with every printable symbol', async () => {
    // Prepare
    const server = postgresServer();
    const symbols = ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    const { arn, username } = await newUserSecret({
      username: `we"ird user ${uniqueName('x')}`,
      password: `Aa1${symbols}`,
    });

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep, outcome.error).toBeUndefined();
    const current = await harness.readJson(arn, 'AWSCURRENT');
    expect(await pgLogsIn(server, username, String(current.password))).toBe(true);
    expect(await pgLogsIn(server, username, `Aa1${symbols}`)).toBe(false);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    [{ SecretId: 'x', ClientRequestToken: 'a'.repeat(36) }, 'Step'],
    [{ Step: 'dropTables', SecretId: 'x', ClientRequestToken: 'a'.repeat(36) }, 'Step'],
    [{ Step: 'createSecret', ClientRequestToken: 'a'.repeat(36) }, 'SecretId'],
    [
      { Step: 'createSecret', SecretId: 'x\nINFO forged', ClientRequestToken: 'a'.repeat(36) },
      'SecretId',
    ],
    [{ Step: 'createSecret', SecretId: 'x' }, 'ClientRequestToken'],
  ])('refuses event %j naming %s, before any AWS call', async (event, field) => {
    // Prepare
    harness.stack.cloud.requestLog.clear();

    // Act
    const invocation = harness.stack.functions.invoke(harness.rotateArn, event, 'us-east-1');

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'InvalidEventError' });
    await expect(invocation).rejects.toThrow(field);
    expect(harness.stack.cloud.requestLog.entries()).toEqual([]);
  });

  it('refuses a step for a secret whose rotation was cancelled', async () => {
    // Prepare
    const { arn } = await newUserSecret();
    const token = await startStalledRotation(arn);
    await harness.sm.send(new CancelRotateSecretCommand({ SecretId: arn }));

    // Act
    const invocation = harness.invokeStep('createSecret', arn, token);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'RotationNotEnabledError' });
  });

  it.each(['host', 'username', 'password', 'engine'])(
    'fails a secret without %s at createSecret, naming the field; nothing is written',
    async (field) => {
      // Prepare
      const server = postgresServer();
      const { arn, username, password, value } = await newUserSecret();
      const { [field]: _removed, ...broken } = value as Record<string, unknown>;
      await harness.sm.send(
        new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(broken) }),
      );
      const stagesBefore = await harness.stages(arn);

      // Act
      const outcome = await harness.rotate(arn);

      // Assess
      expect(outcome.failedStep).toBe('createSecret');
      expect(errorMessagesFor(arn)).toContain(
        `createSecret for secret ${arn}: secret field "${field}" is missing`,
      );
      expect(harness.functionOutput.join('\n')).not.toContain(password);
      const stagesAfter = await harness.stages(arn);
      const newVersions = Object.keys(stagesAfter).filter((id) => !(id in stagesBefore));
      expect(newVersions).toHaveLength(1);
      await expect(harness.readJson(arn, 'AWSPENDING', newVersions[0])).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      expect(await pgLogsIn(server, username, password)).toBe(true);
    },
  );
});

describe('TLS verified, with ssl true or absent', () => {
  it('verifies the server against the configured CA bundle', async () => {
    // Prepare
    const { arn } = await newUserSecret({ overrides: { ssl: true } });

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep, outcome.error).toBeUndefined();
  });

  it.each([
    ['"true"', { ssl: 'true' }],
    ['absent (RDS writes none)', {}],
  ])(
    'ssl %s: refuses a server the function cannot verify, changing nothing',
    async (_name, ssl) => {
      // Prepare: a second stack whose function trusts only Node's public roots.
      const server = postgresServer();
      const untrusting = await startRotationHarness();
      try {
        const username = uniqueName('app');
        const password = randomPassword();
        await createPgUser(username, password);
        const arn = await untrusting.createSecret(uniqueName('db/app'), {
          engine: 'postgres',
          host: server.host,
          port: server.port,
          username,
          password,
          ...ssl,
        });

        // Act
        const outcome = await untrusting.rotate(arn);

        // Assess
        expect(outcome.failedStep).toBe('setSecret');
        expect(untrusting.functionOutput.join('\n')).toMatch(/"name":"DatabaseUnreachableError"/);
        expect(await pgLogsIn(server, username, password)).toBe(true);
      } finally {
        await untrusting.stop();
      }
    },
  );
});

describe('no secret leaves', () => {
  it('prints no password of any version in the function output', async () => {
    // Prepare
    const { arn, password } = await newUserSecret();
    await harness.rotate(arn);
    const current = await harness.readJson(arn, 'AWSCURRENT');

    // Assess
    const output = harness.functionOutput.join('\n');
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toContain(password);
    expect(output).not.toContain(String(current.password));
  });
});

describe('metrics', () => {
  it("emits each step's duration and one success through the local cloud, naming no secret", async () => {
    // Prepare
    const { arn, password } = await newUserSecret();
    harness.stack.metrics.clear();

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep, outcome.error).toBeUndefined();
    const points = harness.stack.metrics.datapoints();
    expect(
      points
        .filter((point) => point.name === 'RotationStepDuration')
        .map((point) => point.dimensions),
    ).toEqual(
      ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((Step) => ({
        service: 'rotasync',
        Step,
        Outcome: 'success',
      })),
    );
    expect(points.filter((point) => point.name === 'RotationSucceeded')).toHaveLength(1);
    expect(new Set(points.map((point) => point.namespace))).toEqual(new Set(['Rotasync']));
    const text = JSON.stringify(points);
    expect(text).not.toContain(arn);
    expect(text).not.toContain(password);
  });
});
