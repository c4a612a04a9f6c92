/**
 * `rotasync status` against the local cloud in three Regions, with the project's real rotate and
 * replicate functions (events delivered) and a real PostgreSQL server: one secret per state the
 * command tells apart (rotated and replicated, rotation off, a rotation that did not finish, a
 * replica behind or missing, replicas in the recovery Region), in both output modes.
 */
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretStatus, StatusReport } from '#cli/commands/status.js';
import {
  EUROPE,
  PRIMARY,
  type ReplicationHarness,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';
import { everythingPrinted, runCli } from '#test/helpers/cli.js';
import { postgresServer, uniqueName } from '#test/helpers/databases.js';
import { newPostgresLogin } from '#test/helpers/postgres-secret.js';
import { pemFile } from '#test/helpers/rotation-stack.js';

let harness: ReplicationHarness;
const passwords: string[] = [];
/** Every secret of this file is under this prefix, so --name-prefix isolates them. */
const PREFIX = `${uniqueName('cli-status')}/`;

const names = {
  rotated: `${PREFIX}rotated`,
  untagged: `${PREFIX}untagged`,
  off: `${PREFIX}off`,
  unfinished: `${PREFIX}unfinished`,
  drifted: `${PREFIX}drifted`,
  unmanaged: `${PREFIX}unmanaged`,
};

const at = (region: string = PRIMARY): string[] => [
  '--endpoint',
  harness.stack.cloud.endpoint,
  '--region',
  region,
  '--stage',
  'local',
];

/** `status` over this file's secrets only. */
const status = (region: string = PRIMARY): string[] => [
  'status',
  ...at(region),
  '--name-prefix',
  PREFIX,
];

const databaseValue = async (options: { userExists?: boolean } = {}) => {
  const login = await newPostgresLogin(options);
  passwords.push(login.password);
  return JSON.stringify(login.value);
};

const enroll = async (name: string, extra: string[] = []) =>
  runCli(['enroll', name, '--schedule', 'rate(30 days)', '--window', '2h', ...at(), ...extra]);

let rotatedArn: string;

beforeAll(async () => {
  harness = await startReplicationHarness({
    recoveryRegions: [WEST, EUROPE],
    events: { autoDeliver: true, concurrency: 2 },
    environment: { ROTASYNC_CA_BUNDLE: pemFile(postgresServer().caCertPem ?? '') },
  });
  // Rotated by enroll, replicated to us-west-2 (its tag) by the replicate function.
  rotatedArn = await harness.createSecret(names.rotated, await databaseValue(), {
    'rotasync:replicate-to': WEST,
  });
  expect((await enroll(names.rotated)).exitCode).toBe(0);
  // Rotated, no tag: replicated to the deployment's replicaRegions (us-west-2, eu-central-1).
  await harness.createSecret(names.untagged, await databaseValue());
  expect((await enroll(names.untagged)).exitCode).toBe(0);
  // Replicated, never enrolled: rotation off. (Tokens are phrases no output holds by right: the
  // leak scan searches all output for them, and `unmanaged` alone is also a status printed.)
  await harness.createSecret(names.off, JSON.stringify({ token: 'off, a token' }), {
    'rotasync:replicate-to': 'none',
  });
  // Enrolled, but every rotation fails (no such database user): AWSPENDING stays.
  await harness.createSecret(names.unfinished, await databaseValue({ userExists: false }), {
    'rotasync:replicate-to': 'none',
  });
  expect((await enroll(names.unfinished, ['--timeout', '1s'])).exitCode).toBe(4);
  // Replicated to two Regions; then one replica falls behind and the other goes away.
  await harness.createSecret(names.drifted, JSON.stringify({ token: 'drifted, a token' }), {
    'rotasync:replicate-to': `${WEST},${EUROPE}`,
  });
  // Not Rotasync's: listed only with --all.
  await harness.createSecret(names.unmanaged, JSON.stringify({ token: 'unmanaged, a token' }));
  await harness.stack.cloud.rotationsSettled();
  await harness.stack.events.flush();
  await harness.sm(WEST).send(
    new TagResourceCommand({
      SecretId: names.drifted,
      Tags: [{ Key: 'rotasync:source-version', Value: 'an-older-version' }],
    }),
  );
  await harness
    .sm(EUROPE)
    .send(new DeleteSecretCommand({ SecretId: names.drifted, ForceDeleteWithoutRecovery: true }));
});

afterAll(async () => {
  await harness?.stop();
  const printed = everythingPrinted.join('\n');
  for (const password of passwords) expect(printed).not.toContain(password);
});

const byName = (report: StatusReport): Record<string, SecretStatus> =>
  Object.fromEntries(report.secrets.map((secret) => [secret.name, secret]));

describe('rotasync status --json', () => {
  it('lists the managed secrets with rotation, outcome and replicas, and no value', async () => {
    // Act
    const run = await runCli([...status(), '--json']);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    const report = run.json<StatusReport>();
    expect(report).toMatchObject({
      region: PRIMARY,
      rotateFunction: 'rotasync-local-rotate',
      deploymentReplicaRegions: [WEST, EUROPE],
    });
    const secrets = byName(report);
    expect(Object.keys(secrets).sort()).toEqual(
      [names.drifted, names.off, names.rotated, names.unfinished, names.untagged].sort(),
    );
    const described = await harness.sm().send(new DescribeSecretCommand({ SecretId: rotatedArn }));
    expect(secrets[names.rotated]).toEqual({
      name: names.rotated,
      arn: rotatedArn,
      role: 'source',
      rotation: {
        enabled: true,
        function: harness.stack.functionArn('rotate'),
        schedule: 'rate(30 days)',
        window: '2h',
        lastRotated: described.LastRotatedDate?.toISOString(),
        nextRotation: described.NextRotationDate?.toISOString(),
        overdue: false,
        lastOutcome: 'succeeded',
        unfinishedVersion: null,
      },
      failedOverFrom: null,
      source: null,
      replicas: [{ region: WEST, status: 'in-sync' }],
      replicaRegionsFrom: 'tag',
      problems: [],
    });
    expect(secrets[names.untagged]).toMatchObject({
      replicas: [
        { region: WEST, status: 'in-sync' },
        { region: EUROPE, status: 'in-sync' },
      ],
      replicaRegionsFrom: 'deployment',
      problems: [],
    });
    expect(secrets[names.off]).toMatchObject({
      rotation: { enabled: false, lastOutcome: 'never-rotated' },
      replicas: [],
      problems: ['rotation-off'],
    });
    expect(secrets[names.drifted]?.replicas).toEqual([
      { region: WEST, status: 'behind' },
      { region: EUROPE, status: 'missing' },
    ]);
    expect(report.summary).toEqual({
      secrets: 5,
      problems: 2,
      replicasNotInSync: 2,
      replicasFailedOver: 0,
    });
  });

  it('reads an unfinished rotation as in progress within --pending-grace and as failed after it', async () => {
    // Act
    const fresh = await runCli([...status(), '--json']);
    const stale = await runCli([...status(), '--json', '--pending-grace', '0s']);

    // Assess
    const unfinished = byName(fresh.json<StatusReport>())[names.unfinished];
    expect(unfinished?.rotation).toMatchObject({
      enabled: true,
      lastOutcome: 'in-progress',
      unfinishedVersion: { versionId: expect.any(String), since: expect.any(String) },
    });
    expect(unfinished?.problems).toEqual([]);
    expect(byName(stale.json<StatusReport>())[names.unfinished]).toMatchObject({
      rotation: { lastOutcome: 'failed' },
      problems: ['rotation-failed'],
    });
  });

  it('finds a rotation overdue once the window after NextRotationDate has closed', async () => {
    // Prepare: the clock the command reads, 1 hour and 3 hours into the 2-hour window.
    const described = await harness.sm().send(new DescribeSecretCommand({ SecretId: rotatedArn }));
    const next = described.NextRotationDate?.getTime() ?? 0;
    const hour = 3_600_000;

    // Act
    const inWindow = await runCli([...status(), '--json'], {
      now: () => new Date(next + hour),
    });
    const late = await runCli([...status(), '--json'], {
      now: () => new Date(next + 3 * hour),
    });

    // Assess
    expect(byName(inWindow.json<StatusReport>())[names.rotated]?.problems).toEqual([]);
    expect(byName(late.json<StatusReport>())[names.rotated]).toMatchObject({
      rotation: { overdue: true },
      problems: ['rotation-overdue'],
    });
  });

  it('shows a recovery Region its replicas, each judged against its source', async () => {
    // Act
    const run = await runCli([...status(WEST), '--json']);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    const secrets = byName(run.json<StatusReport>());
    expect(secrets[names.rotated]).toMatchObject({
      role: 'replica',
      source: { arn: rotatedArn, region: PRIMARY, status: 'in-sync' },
      replicas: [],
      problems: [],
    });
    expect(secrets[names.drifted]?.source).toMatchObject({ region: PRIMARY, status: 'behind' });
  });

  it('lists unmanaged secrets too with --all', async () => {
    const run = await runCli([...status(), '--json', '--all']);
    expect(byName(run.json<StatusReport>())[names.unmanaged]).toMatchObject({ role: 'source' });
  });
});

describe('rotasync status --check', () => {
  it('exits 1 when a source rotation is off, overdue or failing', async () => {
    const run = await runCli([...status(), '--check']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`${names.off}: rotation is off`);
  });

  it('exits 0 when every source listed rotates, on schedule, successfully', async () => {
    // Act: only the rotated secret (replicas out of sync elsewhere do not fail the check).
    const run = await runCli([...status(), '--check', '--name-prefix', names.rotated, '--json']);

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.json<StatusReport>().summary).toMatchObject({ secrets: 1, problems: 0 });
  });

  it('exits 1 in JSON mode too, with the problems in the report', async () => {
    const run = await runCli([...status(), '--check', '--json', '--pending-grace', '0s']);
    expect(run.exitCode).toBe(1);
    expect(run.json<StatusReport>().summary.problems).toBe(3);
  });
});

describe('rotasync status, for people', () => {
  it('prints a table, the problems, the replicas out of sync and how outcomes are judged', async () => {
    // Act
    const run = await runCli([...status(), '--pending-grace', '0s']);

    // Assess
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Rotasync status in us-east-1 at \d{4}-\d\d-\d\d \d\d:\d\d UTC: 5 managed secrets \(rotation function rotasync-local-rotate\)$/,
    );
    expect(lines[2]).toMatch(
      /^SECRET +ROLE +ROTATION +LAST ROTATED +NEXT ROTATION +LAST OUTCOME +REPLICAS$/,
    );
    const row = (name: string) => lines.find((line) => line.startsWith(`${name} `)) ?? '';
    expect(row(names.rotated)).toMatch(
      /source +on rate\(30 days\) window 2h .* succeeded +us-west-2 in sync$/,
    );
    expect(row(names.off)).toMatch(/source +OFF /);
    expect(row(names.unfinished)).toMatch(/ FAILED /);
    expect(row(names.drifted)).toMatch(/us-west-2 behind, eu-central-1 missing$/);
    expect(run.stdout).toContain('✗ 3 rotation problems (status --check fails on these):');
    expect(run.stdout).toMatch(
      new RegExp(
        `  ${names.unfinished}: the last rotation failed \\(AWSPENDING left on version [0-9a-f-]+ since`,
      ),
    );
    expect(run.stdout).toContain('! 2 replicas not in sync (rotasync reconcile repairs drift):');
    expect(run.stdout).toContain(`  ${names.drifted} in eu-central-1: missing`);
    expect(run.stdout).toContain('Last outcome comes from version stages');
  });

  it('says when there is nothing to show', async () => {
    const run = await runCli([...status(), '--name-prefix', `${PREFIX}nothing-here`]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('No managed secrets');
  });
});
