/**
 * `rotasync drill`, `failover` and `failback` against stand-ins of the DR functions answering with
 * their report types, behind the local Lambda API: the inputs the command sends, the Region it
 * invokes in, failover's re-invocation while in progress (with progress) and its --max-wait, a
 * failed failover, a function error, both output modes and the exit codes. The real functions,
 * end to end: disaster-recovery.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local-cloud/index.js';
import { FunctionHost } from '#local-cloud/lambda/function-host.js';
import { createLocalLambda } from '#local-cloud/lambda/lambda-api.js';
import type { LocalFunction } from '#local-cloud/lambda/serverless-config.js';
import { PROJECT_ROOT } from '#local-cloud/stack.js';
import type { LocalCloud } from '#local-cloud/types.js';
import { runCli } from '#test/helpers/cli.js';

const STAND_INS = fileURLToPath(new URL('./fixtures/dr-stand-ins.ts', import.meta.url));

let cloud: LocalCloud;
let host: FunctionHost;
let scratch: string;
let log: string;

const standIn = (key: 'drill' | 'failover' | 'failback'): LocalFunction => ({
  key,
  lambdaName: `rotasync-standin-${key}`,
  modulePath: resolve(STAND_INS),
  exportName: key,
  timeoutSeconds: 10,
  environment: {},
  eventPatterns: [],
  schedules: [],
});

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'rotasync-dr-cli-'));
  log = join(scratch, 'invocations.jsonl');
  host = new FunctionHost({
    projectRoot: PROJECT_ROOT,
    project: {
      service: 'rotasync',
      stage: 'standin',
      region: 'us-east-1',
      functions: [standIn('drill'), standIn('failover'), standIn('failback')],
    },
    accountId: '123456789012',
    environment: { ROTASYNC_STAND_IN_LOG: log },
  });
  cloud = await startLocalCloud({
    extraServices: { lambda: createLocalLambda({ host: () => host, projectRoot: PROJECT_ROOT }) },
  });
});

afterAll(async () => {
  await cloud.stop();
  await host.stop();
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  rmSync(log, { force: true });
});

/** What the stand-ins received, in order. */
const invocations = (): { fn: string; region: string; input: Record<string, unknown> }[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];

const at = (): string[] => ['--endpoint', cloud.endpoint, '--function-prefix', 'rotasync-standin-'];

/** `rotasync drill` in us-west-2, plus `extra`. */
const drill = (...extra: string[]) => runCli(['drill', '--region', 'us-west-2', ...at(), ...extra]);

/** `rotasync failover` to us-west-2, confirmed, plus `extra`. */
const failover = (...extra: string[]) =>
  runCli(['failover', '--region', 'us-west-2', '--confirm', 'us-west-2', ...at(), ...extra]);

/** `rotasync failback` of us-east-1 from us-west-2, confirmed, plus `extra`. */
const failback = (...extra: string[]) =>
  runCli([
    'failback',
    '--region',
    'us-east-1',
    '--confirm',
    'us-east-1',
    '--primary-region',
    'us-west-2',
    ...at(),
    ...extra,
  ]);

describe('rotasync drill', () => {
  it('invokes drill in the Region with failOnProblems false and exits 0 when ready', async () => {
    // Act
    const run = await drill();

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(invocations()).toEqual([
      { fn: 'drill', region: 'us-west-2', input: { secrets: 'all', failOnProblems: false } },
    ]);
    expect(run.stdout).toMatch(
      /^drill in us-west-2 \(rotasync-standin-drill\): READY, 1 secret checked, 0 problems/,
    );
    expect(run.stdout).toMatch(
      /prod\/db\/app +in-sync +current +ok +orders-db-west available lag 0 s +-/,
    );
    expect(run.stdout).toContain('✓ us-west-2 is ready to take over');
  });

  it('exits 1 when not ready, listing each problem, as text and as JSON', async () => {
    // Act
    const text = await drill('--secrets', 'prod/db/app,prod/db/stale');
    const json = await drill('--secrets', 'prod/db/stale', '--json');

    // Assess
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('NOT READY, 2 secrets checked, 2 problems');
    expect(text.stdout).toMatch(
      /prod\/db\/stale +stale +older-than-source +refused +.* stale-value, login-refused/,
    );
    expect(json.exitCode).toBe(1);
    expect(json.json()).toMatchObject({
      function: 'rotasync-standin-drill',
      region: 'us-west-2',
      report: { verdict: 'not-ready', problems: 2 },
    });
    expect(invocations()[0]?.input).toEqual({
      secrets: { names: ['prod/db/app', 'prod/db/stale'] },
      failOnProblems: false,
    });
  });

  it('passes a tag selector', async () => {
    await drill('--tag', 'team=orders');
    expect(invocations()[0]?.input.secrets).toEqual({ tag: { key: 'team', value: 'orders' } });
  });
});

describe('rotasync failover', () => {
  it('invokes failover in the named Region with its confirmation and exits 0 when done', async () => {
    // Act
    const run = await failover();

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(invocations()).toEqual([
      {
        fn: 'failover',
        region: 'us-west-2',
        input: { region: 'us-west-2', confirm: 'us-west-2', secrets: 'all', dryRun: false },
      },
    ]);
    expect(run.stdout).toMatch(
      /^failover to us-west-2 \(rotasync-standin-failover\): DONE after 1 invocation, /,
    );
    expect(run.stdout).toMatch(/orders-db-west +instance +promoted/);
    expect(run.stdout).toMatch(/prod\/db\/app +done +ok +ok +enabled/);
    expect(run.stdout).toContain('✓ us-west-2 is now the primary');
  });

  it('invokes again while the function answers in-progress, showing progress, until done', async () => {
    // Act
    const run = await failover(
      '--secrets',
      'prod/db/slow',
      '--interval',
      '10ms',
      '--progress',
      '--json',
    );

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(invocations().map((call) => call.fn)).toEqual(['failover', 'failover', 'failover']);
    expect(run.json()).toMatchObject({
      invocations: 3,
      report: { state: 'done', databases: [{ status: 'promoted' }] },
    });
    expect(run.stderr).toMatch(
      /failover to us-west-2: in progress: 1 database promoting, 0\/1 secrets done/,
    );
    expect(run.stderr.split('\n').filter((line) => line.includes('invocation'))).toHaveLength(3);
  });

  it('exits 4 when still in progress after --max-wait', async () => {
    // Act
    const run = await failover(
      '--secrets',
      'prod/db/slow',
      '--interval',
      '10ms',
      '--max-wait',
      '0s',
    );

    // Assess
    expect(run.exitCode).toBe(4);
    expect(invocations()).toHaveLength(1);
    expect(run.stdout).toContain('IN-PROGRESS after 1 invocation');
    expect(run.stdout).toContain('run the same command again to continue');
  });

  it('exits 1 when the failover fails, with each error', async () => {
    const run = await failover('--secrets', 'prod/db/failing');
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /prod\/db\/failing +failed: LoginRejectedError: the credentials were refused/,
    );
  });

  it('sends dryRun and reports what would happen', async () => {
    // Act
    const run = await failover('--dry-run', '--json');

    // Assess
    expect(run.exitCode).toBe(0);
    expect(invocations()[0]?.input).toMatchObject({ dryRun: true });
    expect(run.json()).toMatchObject({
      report: {
        dryRun: true,
        databases: [{ status: 'would-promote' }],
        secrets: [{ status: 'would-fail-over' }],
      },
    });
  });

  it('invokes nothing without a matching --confirm', async () => {
    const run = await runCli([
      'failover',
      '--region',
      'us-west-2',
      '--confirm',
      'us-west-1',
      ...at(),
    ]);
    expect(run.exitCode).toBe(2);
    expect(invocations()).toEqual([]);
  });
});

describe('rotasync failback', () => {
  it('invokes failback in the primary Region, naming the old one, and exits 0 when done', async () => {
    // Act
    const run = await failback();

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(invocations()).toEqual([
      {
        fn: 'failback',
        region: 'us-west-2',
        input: {
          region: 'us-east-1',
          confirm: 'us-east-1',
          secrets: 'all',
          force: false,
          dryRun: false,
        },
      },
    ]);
    expect(run.stdout).toMatch(/prod\/db\/app +now-replica/);
    expect(run.stdout).toContain(
      "✓ us-east-1's secrets are replicas of us-west-2's: replication runs us-west-2 → us-east-1",
    );
  });

  it('takes the primary Region from AWS_REGION', async () => {
    await runCli(['failback', '--region', 'us-east-1', '--confirm', 'us-east-1', ...at()], {
      env: { AWS_REGION: 'eu-central-1' },
    });
    expect(invocations()[0]?.region).toBe('eu-central-1');
  });

  it('exits 1 for a secret changed after the failover, and overwrites it with --force', async () => {
    // Act
    const refused = await failback('--secrets', 'prod/db/changed');
    const forced = await failback('--secrets', 'prod/db/changed', '--force', '--json');

    // Assess
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/prod\/db\/changed +changed-after-failover/);
    expect(refused.stdout).toContain('run again with --force to overwrite');
    expect(forced.exitCode).toBe(0);
    expect(forced.json()).toMatchObject({
      function: 'rotasync-standin-failback',
      region: 'us-west-2',
      report: { state: 'done', secrets: [{ secret: 'prod/db/changed', status: 'now-replica' }] },
    });
    expect(invocations()[1]?.input).toMatchObject({ force: true });
  });
});

describe('a function error', () => {
  it("exits 3 with the function's own error type and message", async () => {
    // Act
    const text = await drill('--secrets', 'prod/db/explode');
    const json = await drill('--secrets', 'prod/db/explode', '--json');

    // Assess
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toBe('');
    expect(text.stderr).toBe(
      'rotasync: rotasync-standin-drill in us-west-2 failed: DrillFailedError: 1 secret not ready: prod/db/explode\n',
    );
    expect(json.json()).toEqual({
      error: {
        code: 'DrillFailedError',
        message:
          'rotasync-standin-drill in us-west-2 failed: DrillFailedError: 1 secret not ready: prod/db/explode',
        exitCode: 3,
      },
    });
  });
});
