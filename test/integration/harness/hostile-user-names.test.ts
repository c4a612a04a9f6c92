/**
 * The hostile-input harness on the real servers, reduced: single-user rotations of users whose
 * names and passwords are built to break quoting, on PostgreSQL 18 and MariaDB 10.11 (the full
 * run is `npm run harness:inputs`). No user but the rotated one may change, and a user an
 * application can log in as must be rotatable.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { databaseTargets } from '#test/harness/hostile-inputs/index.js';
import type { OpenTarget } from '#test/harness/hostile-inputs/target.js';
import { mariadbServer, postgresServer } from '#test/helpers/databases.js';

const targets = databaseTargets(async () => ({
  postgres: postgresServer(),
  mariadb: mariadbServer(),
}));

describe.each(targets)('hostile $name', (target) => {
  let open: OpenTarget<unknown> | undefined;

  beforeAll(async () => {
    open = await target.open();
  });

  afterAll(async () => {
    await open?.close();
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
