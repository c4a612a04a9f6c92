/**
 * The reliability harness's faults, reduced (issue 9): a few faulted rotations on the suite's
 * shared servers (crash-points.test.ts has the crashes). `npm run harness:reliability` runs 100
 * rotations under Secrets Manager faults and every fault on every engine and strategy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFaultSuite } from '#test/harness/reliability/fault-suite.js';
import { faultTable } from '#test/harness/reliability/report.js';
import { Rig } from '#test/harness/reliability/rig.js';
import { mariadbServer, postgresServer } from '#test/helpers/databases.js';

let rig: Rig;

beforeAll(async () => {
  rig = await Rig.start({ postgres: postgresServer(), mariadb: mariadbServer() });
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

describe('reliability harness: faults (reduced)', () => {
  it('converges under Secrets Manager faults, a restart, refused connections and a lost statement', async () => {
    // Act
    const outcomes = await runFaultSuite(rig, {
      rotationsUnderFaults: 4,
      breadth: 'one',
      exclusiveServers: false,
      withLockWaits: false,
    });

    // Assess
    const table = faultTable(outcomes);
    expect(outcomes).toHaveLength(4);
    for (const outcome of outcomes) {
      expect(outcome.completed, table.text).toBe(outcome.rotations);
      expect(outcome.faults, outcome.name).toBeGreaterThan(0);
    }
    expect(outcomes.flatMap((outcome) => outcome.violations)).toEqual([]);
  }, 300_000);
});
