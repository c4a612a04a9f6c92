/**
 * The reliability harness's crash points, reduced (issue 9): two per engine and strategy, on the
 * suite's shared servers (faults.test.ts has the faulted rotations). `npm run
 * harness:reliability` crashes at every point and prints its figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '#test/harness/reliability/crash-runs.js';
import { runCrashSuite } from '#test/harness/reliability/crash-suite.js';
import { endStateViolations, LoginMonitor } from '#test/harness/reliability/invariants.js';
import { crashTable } from '#test/harness/reliability/report.js';
import { Rig } from '#test/harness/reliability/rig.js';
import { createTarget } from '#test/harness/reliability/targets.js';
import { adminPg, mariadbServer, postgresServer } from '#test/helpers/databases.js';

const REDUCED: readonly Scenario[] = [
  { engine: 'postgres', strategy: 'single', shape: 'single' },
  { engine: 'postgres', strategy: 'alternating', shape: 'create-clone' },
  { engine: 'mariadb', strategy: 'single', shape: 'single' },
  { engine: 'mariadb', strategy: 'alternating', shape: 'to-original' },
];

let rig: Rig;

beforeAll(async () => {
  rig = await Rig.start({ postgres: postgresServer(), mariadb: mariadbServer() });
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

describe('reliability harness: crash points (reduced)', () => {
  it('crashes rotations of every engine and strategy at spread points; each resumes with every invariant kept', async () => {
    // Act
    const summaries = await runCrashSuite(rig, REDUCED, { spread: 2 });

    // Assess
    const table = crashTable(summaries);
    expect(table.planned).toBe(8);
    expect(table.exercised, table.text).toBe(8);
    expect(summaries.flatMap((summary) => summary.results.flatMap((r) => r.violations))).toEqual(
      [],
    );
    for (const summary of summaries) {
      expect(summary.points.some((point) => point.kind === 'sm')).toBe(true);
      expect(summary.points.some((point) => point.kind === 'sql')).toBe(true);
    }
  }, 300_000);

  it('reports a violation when the database stops taking AWSCURRENT (its checks can fail)', async () => {
    // Prepare: a rotated alternating secret, then its current user's password changed behind
    // the rotation's back
    const target = await createTarget(rig, 'postgres', 'alternating');
    const before = await rig.read(target.arn, 'AWSCURRENT');
    expect((await rig.rotate(target.arn)).failedStep).toBeUndefined();
    const current = await rig.read(target.arn, 'AWSCURRENT');
    const monitor = new LoginMonitor(rig, target).start();
    const admin = await adminPg();
    await admin.query(
      `ALTER ROLE ${admin.escapeIdentifier(current?.username ?? '')} PASSWORD 'changed-elsewhere-1'`,
    );
    await admin.end();
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Act
    const watched = await monitor.stop();
    const end = await endStateViolations(rig, target, before?.versionId ?? '');

    // Assess
    expect(watched.violations).toContain('alternating users: AWSCURRENT refused');
    expect(end).toContain('AWSCURRENT does not log in');
  }, 60_000);
});
