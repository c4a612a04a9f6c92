/**
 * The hostile-input harness, reduced, for the targets that need the network or the real servers:
 * raw requests to the local cloud's endpoint, and single-user rotations of users whose names and
 * passwords are built to break quoting on PostgreSQL 18 and MariaDB 10.11 (the full run is
 * `npm run harness:inputs`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, NETWORK_TARGETS } from '#test/harness/hostile-inputs/index.js';
import { operationsWithoutBody } from '#test/harness/hostile-inputs/local-cloud-target.js';
import type { OpenTarget } from '#test/harness/hostile-inputs/target.js';
import { activeCapture } from '#test/harness/leak-scan/active.js';
import { mariadbServer, postgresServer } from '#test/helpers/databases.js';

const targets = [
  ...NETWORK_TARGETS,
  ...databaseTargets(async () => ({ postgres: postgresServer(), mariadb: mariadbServer() })),
];

describe.each(targets)('hostile $name', (target) => {
  let open: OpenTarget<unknown> | undefined;
  // The local cloud's fuzzing stores random strings as values and sends the same vocabulary as
  // names, operations and Regions, which its request log rightly records (`toString` is both):
  // those strings are not credentials, so the leak scan does not learn them.
  const fuzzesStoredValues = NETWORK_TARGETS.includes(target);

  beforeAll(async () => {
    if (fuzzesStoredValues) activeCapture().capture.learnValues(false);
    open = await target.open();
  });

  afterAll(async () => {
    await open?.close();
    if (fuzzesStoredValues) activeCapture().capture.learnValues(true);
  });

  it(`${target.description}: ${target.runs.reduced} inputs, 0 violations`, async () => {
    await fc.assert(
      fc.asyncProperty(target.arbitrary, async (input) => {
        const violation = await open?.check(input);
        if (violation !== undefined) throw new Error(violation);
      }),
      { numRuns: target.runs.reduced },
    );
  });
});

describe('hostile local cloud requests', () => {
  it('start every local-cloud operation from a valid request body', () => {
    // Assess: a new operation needs a body there, or its mutations would start from nothing.
    expect(operationsWithoutBody()).toEqual([]);
  });
});
