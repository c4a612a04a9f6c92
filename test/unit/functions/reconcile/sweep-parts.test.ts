/**
 * A sweep that stops at its deadline and resumes from its cursor finds what one uninterrupted
 * sweep finds, in every phase; its report lists at most LISTED_ENTRIES entries and counts the rest.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  LISTED_ENTRIES,
  type ReconcileDeps,
  type ReconcileReport,
  reconcile,
} from '#functions/reconcile/reconcile.js';
import { TokenBucket } from '#functions/reconcile/token-bucket.js';
import type { Deadline } from '#shared/deadline.js';
import { replicateSecret } from '#shared/replication/replicate-secret.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { FakeSecretsManager } from '#test/fakes/fake-secrets-manager.js';
import { config, dbSecret, SOURCE_REGION } from '#test/fakes/replication-fixtures.js';

const REGIONS = ['eu-west-1', 'us-west-2'];
const TAGS = { 'rotasync:replicate-to': REGIONS.join(',') };

let fake: FakeSecretsManager;
let deps: ReconcileDeps;

beforeEach(() => {
  fake = new FakeSecretsManager(9);
  fake.pageSize = 3;
  deps = {
    store: fake.store,
    rds: new FakeRds(REGIONS),
    config: config({ replicateDeletes: true }),
    writeBucket: new TokenBucket(1000, 1000),
  };
});

/** Twenty secrets replicated to both Regions, then: some stale, one new, one deleted. */
const seedDrift = async (): Promise<void> => {
  for (let index = 0; index < 20; index += 1) {
    const name = `app-${String(index).padStart(2, '0')}`;
    fake.seed(SOURCE_REGION, { name, value: dbSecret(name, `pw-${index}`), tags: TAGS });
    await replicateSecret({ secretId: name, sourceRegion: SOURCE_REGION }, deps);
  }
  for (const index of [2, 9, 17]) {
    const name = `app-${String(index).padStart(2, '0')}`;
    fake.change(SOURCE_REGION, name, dbSecret(name, 'newer'));
  }
  fake.seed(SOURCE_REGION, { name: 'fresh', value: dbSecret('fresh', 'pw'), tags: TAGS });
  fake.markDeleted(SOURCE_REGION, 'app-05');
  fake.calls.length = 0;
};

/** A deadline with `budget` checks of time left, then none. */
const checks = (budget: number): Deadline => {
  let left = budget;
  return {
    remainingMs: () => {
      left -= 1;
      return left >= 0 ? 1 : 0;
    },
  };
};

/** Runs a sweep part by part, each part allowed `budget` pages; resolves every part's report. */
const sweepInParts = async (dryRun: boolean, budget: number): Promise<ReconcileReport[]> => {
  const reports: ReconcileReport[] = [];
  let resumeFrom = undefined as ReconcileReport['continuation'];
  do {
    const report = await reconcile(
      SOURCE_REGION,
      {
        dryRun,
        deadline: checks(budget),
        ...(resumeFrom === undefined ? {} : { resumeFrom }),
      },
      deps,
    );
    reports.push(report);
    resumeFrom = report.continuation;
  } while (resumeFrom !== undefined && reports.length < 100);
  return reports;
};

const driftOf = (reports: readonly ReconcileReport[]) =>
  reports
    .flatMap((report) => report.drift)
    .map((item) => `${item.region} ${item.reason} ${item.secret.split(':').at(-1)}`)
    .sort();

describe('a sweep in parts', () => {
  it('finds, in a dry run, exactly the drift one uninterrupted sweep finds', async () => {
    // Prepare
    await seedDrift();
    const whole = await reconcile(SOURCE_REGION, { dryRun: true }, deps);
    // Act
    const parts = await sweepInParts(true, 2);
    // Assess
    expect(whole.continuation).toBeUndefined();
    expect(parts.length).toBeGreaterThan(5);
    expect(new Set(parts.map((report) => report.sweep?.id)).size).toBe(1);
    expect(parts.map((report) => report.sweep?.part)).toEqual(parts.map((_, index) => index + 1));
    expect(driftOf(parts)).toEqual(driftOf([whole]));
    const last = parts.at(-1);
    expect(last?.sweep?.totals).toEqual({
      checked: whole.checked,
      inSync: whole.inSync,
      repaired: 0,
      failed: whole.failed,
      drift: whole.drift.length,
    });
    expect(fake.writes()).toEqual([]);
  });

  it('stops in the extras phase too, and resumes it after listing the sources again', async () => {
    // Prepare
    await seedDrift();
    // Act
    const parts = await sweepInParts(true, 2);
    // Assess
    const phases = parts.flatMap((report) =>
      report.continuation === undefined ? [] : [report.continuation.phase],
    );
    expect(phases).toContain('pairs');
    expect(phases).toContain('extras');
    expect(driftOf(parts).filter((line) => line.includes('extra-replica'))).toEqual([
      expect.stringMatching(/^eu-west-1 extra-replica app-05-\w+$/),
      expect.stringMatching(/^us-west-2 extra-replica app-05-\w+$/),
    ]);
    // Each part knew the listed sources: only the deleted one's source was described (at most
    // once in each of the two Regions' parts), not every replica's.
    expect(fake.count('DescribeSecret', SOURCE_REGION)).toBeLessThanOrEqual(2);
  });

  it('repairs across parts what one sweep repairs, and a second sweep finds nothing', async () => {
    // Prepare
    await seedDrift();
    // Act
    const parts = await sweepInParts(false, 3);
    const after = await reconcile(SOURCE_REGION, { dryRun: true }, deps);
    // Assess
    expect(parts.at(-1)?.sweep?.totals).toMatchObject({ repaired: 10, failed: 0, drift: 10 });
    expect(after.drift).toEqual([]);
    expect(fake.exists('eu-west-1', 'app-05')).toBe(false);
    expect(fake.exists('us-west-2', 'fresh')).toBe(true);
  });

  it('reads N/20 source values and N·R/20 replica values in one sweep, whatever the page size', async () => {
    // Prepare
    await seedDrift();
    // Act
    await reconcile(SOURCE_REGION, { dryRun: true }, deps);
    // Assess: 20 listed sources (one is deleted, so not listed) → 1 source read, 1 per Region.
    expect(fake.count('BatchGetSecretValue', SOURCE_REGION)).toBe(1);
    for (const region of REGIONS) expect(fake.count('BatchGetSecretValue', region)).toBe(1);
  });
});

describe('the report of a sweep with much drift', () => {
  it(`lists the first ${LISTED_ENTRIES} drift entries and counts the others`, async () => {
    // Prepare
    fake.pageSize = 100;
    for (let index = 0; index < 260; index += 1) {
      fake.seed(SOURCE_REGION, { name: `new-${index}`, value: dbSecret('a', 'pw'), tags: TAGS });
    }
    // Act
    const report = await reconcile(SOURCE_REGION, { dryRun: true }, deps);
    // Assess
    expect(report.checked).toBe(520);
    expect(report.drift).toHaveLength(LISTED_ENTRIES);
    expect(report.unlisted).toEqual({ drift: 520 - LISTED_ENTRIES, errors: 0 });
  });
});
