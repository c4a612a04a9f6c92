/**
 * The hostile-input harness, reduced, for the targets over in-memory fakes: each target's
 * properties over a few hundred inputs (the full run is `npm run harness:inputs`; the local
 * cloud's and the real servers' targets run in the integration project). Every input must get a typed error (or, where the input
 * is still valid, be handled exactly as documented) and change nothing it should not.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_INPUT_TARGETS } from '#test/harness/hostile-inputs/index.js';
import type { OpenTarget } from '#test/harness/hostile-inputs/target.js';

describe.each(HOSTILE_INPUT_TARGETS)('hostile $name', (target) => {
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

describe('hostile-input harness', () => {
  it('names each target once', () => {
    // Assess
    const names = HOSTILE_INPUT_TARGETS.map((target) => target.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(7);
  });
});
