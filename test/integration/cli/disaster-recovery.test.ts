/**
 * The rotasync command through a whole disaster-recovery rehearsal, against the project's real
 * drill, failover, failback and rotate functions in two Regions, a real PostgreSQL primary and its
 * real streaming replica (promoted through the local RDS API): a drill that passes and one that
 * catches a stale replica, a dry-run failover that changes nothing, a failover whose promotion
 * outlives one invocation (the command invokes again until done), a rotation in the recovery
 * Region with its own rotate function, `status` showing the new picture, and the failback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '#cli/commands/status.js';
import type { DrillReport } from '#functions/drill/drill.js';
import type { FailoverReport } from '#functions/failover/failover.js';
import { logsIn } from '#local-cloud/databases/clients.js';
import { everythingPrinted, runCli } from '#test/helpers/cli.js';
import {
  type DrHarness,
  type DrSecret,
  EAST,
  startDrHarness,
  WEST,
} from '#test/helpers/dr-stack.js';

let dr: DrHarness;
let app: DrSecret;
let orders: DrSecret;

beforeAll(async () => {
  // A promotion takes 2.5 s here and one failover invocation waits at most 1 s for it.
  dr = await startDrHarness({
    promotionDelayMs: 2_500,
    environment: { ROTASYNC_FAILOVER_MAX_WAIT_SECONDS: '1' },
  });
  app = await dr.createReplicatedSecret('cli_app', { rotationSchedule: 'rate(7 days)' });
  orders = await dr.createReplicatedSecret('cli_orders');
});

afterAll(async () => {
  await dr?.stop();
  const printed = everythingPrinted.join('\n');
  for (const secret of [app, orders]) {
    if (secret !== undefined) expect(printed).not.toContain(secret.password);
  }
});

const at = (region: string): string[] => [
  '--endpoint',
  dr.stack.cloud.endpoint,
  '--region',
  region,
  '--stage',
  'local',
];

const both = (): string => `${app.name},${orders.name}`;

describe('before: the drill', () => {
  it('finds the recovery Region ready (exit 0), as text and as JSON', async () => {
    // Act
    const text = await runCli(['drill', ...at(WEST), '--secrets', both()]);
    const json = await runCli(['drill', ...at(WEST), '--secrets', both(), '--json']);

    // Assess
    expect(text.exitCode, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^drill in us-west-2 \(rotasync-local-drill\): READY, 2 secrets checked, 0 problems/,
    );
    expect(text.stdout).toMatch(
      new RegExp(`${app.name} +in-sync +current +ok +orders-db-west available`),
    );
    expect(json.exitCode).toBe(0);
    const report = json.json<{ report: DrillReport }>().report;
    expect(report).toMatchObject({ region: WEST, verdict: 'ready', checked: 2, problems: 0 });
  });

  it('catches a replica left behind by its source (exit 1)', async () => {
    // Prepare: the source changes and the event has not been delivered yet.
    const value = await dr.readJson(EAST, app.arn);
    await dr.putJson(EAST, app.arn, { ...value, note: 'changed in the primary' });

    // Act
    const run = await runCli(['drill', ...at(WEST), '--secrets', app.name]);
    await dr.stack.events.flush();
    const after = await runCli(['drill', ...at(WEST), '--secrets', app.name]);

    // Assess
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('NOT READY');
    expect(run.stdout).toMatch(/stale-value/);
    expect(after.exitCode, after.stdout).toBe(0);
  });
});

describe('during: the failover', () => {
  it('on a dry run reports what it would do and changes nothing', async () => {
    // Act
    const run = await runCli(['failover', ...at(WEST), '--confirm', WEST, '--dry-run', '--json']);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json<{ report: FailoverReport }>().report).toMatchObject({
      dryRun: true,
      state: 'done',
      databases: [{ id: 'orders-db-west', status: 'would-promote' }],
    });
    expect(await dr.replicaInRecovery()).toBe(true);
    expect((await dr.tags(WEST, app.name))['rotasync:source-arn']).toBe(app.arn);
  });

  it('invokes again while the promotion is in progress, until the Region is the primary', async () => {
    // Act
    const run = await runCli([
      'failover',
      ...at(WEST),
      '--confirm',
      WEST,
      '--interval',
      '200ms',
      '--progress',
    ]);

    // Assess
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^failover to us-west-2 \(rotasync-local-failover\): DONE after [2-9] invocations/,
    );
    expect(run.stderr).toMatch(/failover to us-west-2: in progress: 1 database promoting/);
    expect(run.stdout).toMatch(/orders-db-west +instance +promoted/);
    for (const secret of [app, orders]) {
      expect(run.stdout).toMatch(new RegExp(`${secret.name} +done +ok +ok +enabled`));
    }
    expect(await dr.replicaInRecovery()).toBe(false);
  });

  it('rotates in the recovery Region with its own rotate function', async () => {
    // Act
    const run = await runCli(['rotate', app.name, ...at(WEST), '--json']);

    // Assess
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ region: WEST, outcome: 'succeeded' });
    const rotated = await dr.readJson(WEST, app.name);
    expect(rotated.password).not.toBe(app.password);
    expect(await logsIn(dr.replica, app.username, String(rotated.password))).toBe(true);
  });

  it('shows the new picture: the recovery Region holds rotating sources, failed over', async () => {
    // Act
    const west = await runCli(['status', ...at(WEST), '--json', '--name-prefix', 'dr/cli_']);
    const east = await runCli(['status', ...at(EAST), '--json', '--name-prefix', 'dr/cli_']);
    const text = await runCli(['status', ...at(WEST), '--name-prefix', 'dr/cli_', '--check']);
    const eastText = await runCli(['status', ...at(EAST), '--name-prefix', 'dr/cli_']);

    // Assess
    const westApp = west.json<StatusReport>().secrets.find((s) => s.name === app.name);
    expect(westApp).toMatchObject({
      role: 'source',
      failedOverFrom: { arn: app.arn },
      rotation: {
        enabled: true,
        function: dr.stack.functionArn('rotate', WEST),
        schedule: 'rate(7 days)',
        lastOutcome: 'succeeded',
      },
      problems: [],
    });
    const eastApp = east.json<StatusReport>().secrets.find((s) => s.name === app.name);
    expect(eastApp?.replicas).toEqual([{ region: WEST, status: 'failed-over' }]);
    expect(east.json<StatusReport>().summary).toMatchObject({
      replicasNotInSync: 0,
      replicasFailedOver: 2,
    });
    expect(eastText.stdout).toContain(
      "↪ 2 replicas are now a source after a failover (rotasync failback makes this Region's secret its replica):",
    );
    expect(eastText.stdout).not.toContain('not in sync');
    expect(text.exitCode, text.stdout).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`${app.name} +source \\(failed over\\) +on rate\\(7 days\\)`),
    );
  });
});

describe('after: the failback', () => {
  it("makes the old Region's secrets replicas of the promoted ones", async () => {
    // Act
    const run = await runCli([
      'failback',
      '--region',
      EAST,
      '--confirm',
      EAST,
      '--primary-region',
      WEST,
      '--endpoint',
      dr.stack.cloud.endpoint,
      '--stage',
      'local',
      '--secrets',
      both(),
      '--force',
    ]);
    await dr.stack.events.flush();
    const east = await runCli(['status', ...at(EAST), '--json', '--name-prefix', 'dr/cli_']);

    // Assess
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${app.name} +now-replica`));
    expect(run.stdout).toContain('replication runs us-west-2 → us-east-1');
    const eastApp = east.json<StatusReport>().secrets.find((s) => s.name === app.name);
    expect(eastApp).toMatchObject({ role: 'replica', source: { region: WEST, status: 'in-sync' } });
  });
});
