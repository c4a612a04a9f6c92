/**
 * A sweep longer than one invocation, end to end: the real reconcile function, given no time per
 * invocation (a reserve of all its 900 seconds, so each part stops at its first page boundary,
 * however fast the machine), hands each next part over through
 * the local Lambda API (an asynchronous Invoke of itself), and the parts together report what
 * one sweep would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EUROPE,
  PRIMARY,
  type ReplicationHarness,
  type SweepReport,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';

const SOURCES = 250;
let harness: ReplicationHarness;

beforeAll(async () => {
  harness = await startReplicationHarness({
    recoveryRegions: [WEST, EUROPE],
    environment: { ROTASYNC_RECONCILE_RESERVE_SECONDS: '900' },
  });
  const cloud = harness.stack.cloud;
  const names = Array.from(
    { length: SOURCES },
    (_, i) => `parts/app-${String(i).padStart(3, '0')}`,
  );
  const value = (name: string) => JSON.stringify({ username: name, password: 'pw' });
  const arns = cloud.seedSecrets(
    PRIMARY,
    names.map((name) => ({ name, secretString: value(name) })),
  );
  // Every other source has its replica in us-west-2; none has one in eu-central-1.
  cloud.seedSecrets(
    WEST,
    names.flatMap((name, i) =>
      i % 2 === 0
        ? [{ name, secretString: value(name), tags: { 'rotasync:source-arn': arns[i] ?? '' } }]
        : [],
    ),
  );
});

afterAll(async () => {
  await harness?.stop();
});

describe('a sweep in parts through the Lambda API', () => {
  it('hands over from part to part until done, and the last part reports the whole sweep', async () => {
    // Act
    const first = await harness.reconcile({ dryRun: true });
    const handOvers = await harness.stack.lambda.asyncSettled();
    // Assess
    expect(first.continuation).toMatchObject({ part: 2 });
    expect(handOvers.length).toBeGreaterThanOrEqual(2);
    expect(handOvers.every((record) => record.ok)).toBe(true);
    const reports = harness.functionOutput
      .filter((line) => line.includes('"message":"reconcile'))
      .map(
        (line) =>
          JSON.parse(line) as {
            message: string;
            report: SweepReport & { sweep?: { part: number; totals: Record<string, number> } };
          },
      );
    const finished = reports.filter((entry) => entry.message === 'reconcile finished');
    expect(finished).toHaveLength(1);
    expect(reports).toHaveLength(handOvers.length + 1);
    expect(finished[0]?.report.sweep).toMatchObject({
      part: handOvers.length + 1,
      totals: { checked: 2 * SOURCES, inSync: SOURCES / 2, drift: (3 * SOURCES) / 2, repaired: 0 },
    });
    // Each part emitted its own counts; their sum is the sweep's.
    const drift = harness.stack.metrics
      .datapoints()
      .filter((point) => point.name === 'ReconcileDrift')
      .reduce((sum, point) => sum + point.value, 0);
    expect(drift).toBe((3 * SOURCES) / 2);
  });
});
