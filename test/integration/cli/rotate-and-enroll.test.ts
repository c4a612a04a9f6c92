/**
 * `rotasync enroll` and `rotasync rotate` against the local cloud, whose RotateSecret invokes the
 * project's real rotate function against a real PostgreSQL server: in both output modes, with
 * the outcomes a rotation can have (rotated, unfinished, abandoned) and their exit codes.
 */
import { randomUUID } from 'node:crypto';
import {
  CancelRotateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everythingPrinted, runCli } from '#test/helpers/cli.js';
import { postgresServer, uniqueName } from '#test/helpers/databases.js';
import { newPostgresLogin } from '#test/helpers/postgres-secret.js';
import {
  pemFile,
  pgLogsIn,
  type RotationHarness,
  startRotationHarness,
} from '#test/helpers/rotation-stack.js';

let harness: RotationHarness;
const passwords: string[] = [];

beforeAll(async () => {
  harness = await startRotationHarness({
    environment: { ROTASYNC_CA_BUNDLE: pemFile(postgresServer().caCertPem ?? '') },
  });
});

afterAll(async () => {
  await harness?.stop();
  // Whatever any command printed, no password ever appears in it.
  const printed = everythingPrinted.join('\n');
  for (const password of passwords) expect(printed).not.toContain(password);
});

/** The command line's shared part: the local endpoint, its Region and its stage. */
const at = (): string[] => [
  '--endpoint',
  harness.stack.cloud.endpoint,
  '--region',
  'us-east-1',
  '--stage',
  'local',
];

/** A secret for a new PostgreSQL user; `userExists: false` makes every rotation fail. */
const newSecret = async (options: { userExists?: boolean } = {}) => {
  const login = await newPostgresLogin(options);
  passwords.push(login.password);
  const name = uniqueName('cli/db');
  const arn = await harness.createSecret(name, login.value);
  return { name, arn, username: login.username };
};

const describeSecret = (secretId: string) =>
  harness.sm.send(new DescribeSecretCommand({ SecretId: secretId }));

const currentVersion = async (secretId: string): Promise<string | undefined> =>
  Object.entries((await describeSecret(secretId)).VersionIdsToStages ?? {}).find(([, stages]) =>
    stages.includes('AWSCURRENT'),
  )?.[0];

describe('rotasync enroll', () => {
  it("turns rotation on with the Region's rotate function and schedule, rotates, and says so", async () => {
    // Prepare
    const secret = await newSecret();
    const before = await currentVersion(secret.arn);

    // Act
    const run = await runCli([
      'enroll',
      secret.name,
      '--schedule',
      'rate(30 days)',
      '--window',
      '2h',
      ...at(),
    ]);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    const described = await describeSecret(secret.arn);
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: harness.rotateArn,
      RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '2h' },
    });
    const after = await currentVersion(secret.arn);
    expect(after).not.toBe(before);
    expect(run.stdout).toContain(
      `✓ enrolled ${secret.name} in us-east-1: ${harness.rotateArn}, rate(30 days) window 2h`,
    );
    expect(run.stdout).toContain(
      `✓ rotated ${secret.name} in us-east-1: version ${after} is AWSCURRENT`,
    );
    const current = await harness.readJson(secret.arn, 'AWSCURRENT');
    expect(await pgLogsIn(postgresServer(), secret.username, String(current.password))).toBe(true);
  });

  it('answers JSON with the rules and the first rotation, and changes nothing when enrolled again', async () => {
    // Prepare
    const secret = await newSecret();
    const argv = ['enroll', secret.arn, '--schedule', 'cron(0 4 ? * SUN *)', ...at(), '--json'];

    // Act
    const first = await runCli(argv);
    const rotated = await currentVersion(secret.arn);
    const again = await runCli(argv);

    // Assess
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.json()).toEqual({
      secret: secret.name,
      arn: secret.arn,
      region: 'us-east-1',
      function: harness.rotateArn,
      rules: { ScheduleExpression: 'cron(0 4 ? * SUN *)' },
      changed: true,
      rotation: expect.objectContaining({
        outcome: 'succeeded',
        versionId: rotated,
        resumed: false,
        lastRotated: expect.any(String),
        nextRotation: expect.any(String),
      }),
    });
    expect(again.exitCode).toBe(0);
    expect(again.json()).toMatchObject({ changed: false, rotation: null });
    expect(await currentVersion(secret.arn)).toBe(rotated);
  });

  it('with --no-rotate-immediately turns rotation on and leaves the value alone', async () => {
    // Prepare
    const secret = await newSecret();
    const before = await currentVersion(secret.arn);

    // Act
    const run = await runCli([
      'enroll',
      secret.name,
      '--schedule',
      'rate(7 days)',
      '--no-rotate-immediately',
      ...at(),
    ]);
    await harness.stack.cloud.rotationsSettled();

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('no rotation now');
    expect((await describeSecret(secret.arn)).RotationEnabled).toBe(true);
    expect(await currentVersion(secret.arn)).toBe(before);
  });

  it('exits 3 naming the function when the stage has no rotate function in the Region', async () => {
    // Prepare
    const secret = await newSecret();

    // Act
    const run = await runCli([
      'enroll',
      secret.name,
      '--schedule',
      'rate(30 days)',
      '--endpoint',
      harness.stack.cloud.endpoint,
      '--region',
      'us-east-1',
      '--stage',
      'prod',
    ]);

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('There is no function rotasync-prod-rotate in us-east-1');
    expect((await describeSecret(secret.arn)).RotationEnabled).toBeUndefined();
  });

  it('exits 3 for a secret that does not exist, as text and as JSON', async () => {
    const text = await runCli([
      'enroll',
      'cli/no-such-secret',
      '--schedule',
      'rate(1 day)',
      ...at(),
    ]);
    const json = await runCli([
      'enroll',
      'cli/no-such-secret',
      '--schedule',
      'rate(1 day)',
      ...at(),
      '--json',
    ]);
    expect(text.exitCode).toBe(3);
    expect(text.stderr).toMatch(
      /DescribeSecret cli\/no-such-secret in us-east-1 failed: ResourceNotFoundException/,
    );
    expect(json.exitCode).toBe(3);
    expect(json.json()).toMatchObject({
      error: { code: 'ResourceNotFoundException', exitCode: 3 },
    });
  });
});

describe('rotasync rotate', () => {
  const enrolled = async (options: { userExists?: boolean } = {}) => {
    const secret = await newSecret(options);
    await harness.startRotation(secret.arn, { rotateImmediately: false });
    await harness.stack.cloud.rotationsSettled();
    return secret;
  };

  it('rotates now and reports the new AWSCURRENT version', async () => {
    // Prepare
    const secret = await enrolled();

    // Act
    const run = await runCli(['rotate', secret.name, ...at()]);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    const after = await currentVersion(secret.arn);
    expect(run.stdout).toMatch(
      new RegExp(
        `^✓ rotated ${secret.name} in us-east-1: version ${after} is AWSCURRENT after .+; next rotation \\d{4}-`,
      ),
    );
    const current = await harness.readJson(secret.arn, 'AWSCURRENT');
    expect(await pgLogsIn(postgresServer(), secret.username, String(current.password))).toBe(true);
  });

  it('answers JSON with the outcome', async () => {
    // Prepare
    const secret = await enrolled();

    // Act
    const run = await runCli(['rotate', secret.arn, ...at(), '--json']);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json()).toEqual({
      secret: secret.name,
      arn: secret.arn,
      region: 'us-east-1',
      versionId: await currentVersion(secret.arn),
      resumed: false,
      outcome: 'succeeded',
      elapsedMs: expect.any(Number),
      lastRotated: expect.any(String),
      nextRotation: expect.any(String),
    });
  });

  it('exits 4 when the rotation does not finish in time, then waits for the same rotation', async () => {
    // Prepare: the user does not exist, so setSecret fails and AWSPENDING stays.
    const secret = await enrolled({ userExists: false });

    // Act
    const first = await runCli(['rotate', secret.name, '--timeout', '1s', ...at()]);
    const second = await runCli(['rotate', secret.name, '--timeout', '1s', ...at(), '--json']);

    // Assess
    expect(first.exitCode).toBe(4);
    expect(first.stdout).toMatch(
      /has not finished after .*still AWSPENDING\. rotasync-local-rotate failed/,
    );
    expect(second.exitCode).toBe(4);
    const pending = second.json<{ versionId: string; resumed: boolean; outcome: string }>();
    expect(pending).toMatchObject({ resumed: true, outcome: 'unfinished' });
    expect(first.stdout).toContain(`version ${pending.versionId} is still AWSPENDING`);
  });

  it('exits 1 when the rotation is abandoned: its version loses AWSPENDING without becoming current', async () => {
    // Prepare
    const secret = await enrolled({ userExists: false });

    // Act: while the command waits, the pending label is taken off (as Secrets Manager does
    // when a new value is written during a rotation).
    const running = runCli(['rotate', secret.name, '--timeout', '30s', ...at()]);
    let token: string | undefined;
    for (let tries = 0; token === undefined && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      token = Object.entries((await describeSecret(secret.arn)).VersionIdsToStages ?? {}).find(
        ([, stages]) => stages.includes('AWSPENDING'),
      )?.[0];
    }
    await harness.stack.cloud.rotationsSettled();
    await harness.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: token,
      }),
    );
    const run = await running;

    // Assess
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`version ${token} lost AWSPENDING without becoming AWSCURRENT`);
  });

  it('starts its own rotation when the pending version it waited for goes away (a configuration test)', async () => {
    // Prepare: a pending version that cannot finish (another user), as left while Secrets
    // Manager tests a function that rotation was just turned on with.
    const secret = await enrolled();
    const token = randomUUID();
    const current = await harness.readJson(secret.arn, 'AWSCURRENT');
    await harness.sm.send(
      new PutSecretValueCommand({
        SecretId: secret.arn,
        ClientRequestToken: token,
        SecretString: JSON.stringify({ ...current, username: 'someone_else' }),
        VersionStages: ['AWSPENDING'],
      }),
    );
    harness.stack.cloud.requestLog.clear();

    // Act: once the command was told a rotation is unfinished, that version goes away.
    const running = runCli(['rotate', secret.name, '--timeout', '30s', ...at(), '--json']);
    const refused = () =>
      harness.stack.cloud.requestLog
        .entries()
        .some((e) => e.operation === 'RotateSecret' && e.outcome === 'InvalidRequestException');
    for (let tries = 0; !refused() && tries < 200; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await harness.stack.cloud.rotationsSettled();
    await harness.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: token,
      }),
    );
    const run = await running;

    // Assess
    expect(refused()).toBe(true);
    expect(run.exitCode, run.stdout).toBe(0);
    const report = run.json<{ versionId: string; outcome: string; resumed: boolean }>();
    expect(report).toMatchObject({ outcome: 'succeeded', resumed: false });
    expect(report.versionId).not.toBe(token);
    expect(await currentVersion(secret.arn)).toBe(report.versionId);
  });

  it('with --no-wait starts the rotation and returns', async () => {
    // Prepare
    const secret = await enrolled();

    // Act
    const run = await runCli(['rotate', secret.name, '--no-wait', ...at(), '--json']);
    await harness.stack.cloud.rotationsSettled();

    // Assess
    expect(run.exitCode).toBe(0);
    const started = run.json<{ outcome: string; versionId: string }>();
    expect(started.outcome).toBe('started');
    expect(await currentVersion(secret.arn)).toBe(started.versionId);
  });

  it('exits 1 for a secret that is not enrolled, or whose rotation is off, and rotates nothing', async () => {
    // Prepare
    const never = await newSecret();
    const off = await enrolled();
    await harness.sm.send(new CancelRotateSecretCommand({ SecretId: off.arn }));
    const before = await currentVersion(off.arn);

    // Act
    const notEnrolled = await runCli(['rotate', never.name, ...at()]);
    const rotationOff = await runCli(['rotate', off.name, ...at(), '--json']);

    // Assess
    expect(notEnrolled.exitCode).toBe(1);
    expect(notEnrolled.stderr).toContain(
      `${never.name} in us-east-1 has no rotation function: enroll it first`,
    );
    expect(rotationOff.exitCode).toBe(1);
    expect(rotationOff.json()).toMatchObject({ error: { code: 'RotationOff', exitCode: 1 } });
    expect(await currentVersion(off.arn)).toBe(before);
    expect((await describeSecret(off.arn)).RotationEnabled).toBe(false);
  });

  it('shows progress on stderr only when asked, and keeps stdout pure JSON', async () => {
    // Prepare
    const secret = await enrolled({ userExists: false });

    // Act
    const run = await runCli([
      'rotate',
      secret.name,
      '--timeout',
      '1s',
      '--progress',
      ...at(),
      '--json',
    ]);

    // Assess
    expect(run.stderr).toMatch(/^rotate .*: waiting for version .* to become AWSCURRENT/m);
    expect(() => run.json()).not.toThrow();
  });
});
