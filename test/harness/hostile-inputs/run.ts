/**
 * Runs hostile-input targets and counts what they found: inputs tried and violations per
 * target. Every input is checked (a violation does not stop the run); when there was one,
 * fast-check then shrinks it to a small counterexample for the report.
 *
 * No vitest import: `npm run harness:inputs` runs this as a plain script.
 */
import fc from 'fast-check';
import type { AnyHostileInputTarget } from './target.js';

/** What one target's run found. */
export interface TargetFigures {
  readonly name: string;
  readonly tried: number;
  readonly violations: number;
  /** The first violation's sentence and the shrunk input that shows it. */
  readonly example?: { readonly violation: string; readonly input: string };
  readonly seconds: number;
}

const MAX_SHOWN = 400;

/** Runs `target` over `numRuns` inputs from `seed`. */
export const runTarget = async (
  target: AnyHostileInputTarget,
  numRuns: number,
  seed: number,
): Promise<TargetFigures> => {
  const started = performance.now();
  const open = await target.open();
  try {
    let violations = 0;
    let firstViolation: string | undefined;
    // A check that throws is a violation too (the harness could not tell what happened).
    const checked = async (input: unknown): Promise<string | undefined> => {
      try {
        return await open.check(input);
      } catch (error) {
        return `the check threw: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    const details = await fc.check(
      fc.asyncProperty(target.arbitrary, async (input) => {
        const violation = await checked(input);
        if (violation !== undefined) {
          violations += 1;
          firstViolation ??= violation;
        }
        return true;
      }),
      { numRuns, seed },
    );
    let example: TargetFigures['example'];
    if (violations > 0) {
      let shrunkViolation = firstViolation ?? '';
      const shrunk = await fc.check(
        fc.asyncProperty(target.arbitrary, async (input) => {
          const violation = await checked(input);
          if (violation !== undefined) shrunkViolation = violation;
          return violation === undefined;
        }),
        { numRuns, seed },
      );
      const input = fc.stringify(shrunk.counterexample?.[0]);
      example = {
        violation: shrunkViolation,
        input: input.length > MAX_SHOWN ? `${input.slice(0, MAX_SHOWN)}…` : input,
      };
    }
    if (details.failed || details.interrupted) {
      throw new Error(`${target.name}: the run stopped early (${details.numRuns} of ${numRuns})`);
    }
    return {
      name: target.name,
      tried: details.numRuns,
      violations,
      ...(example === undefined ? {} : { example }),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await open.close();
  }
};
