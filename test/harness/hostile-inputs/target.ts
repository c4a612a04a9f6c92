/**
 * What one hostile-input target is: a generator of inputs, and a check that runs one input
 * through the real code and names the invariant it broke, if any. The vitest suite runs each
 * target a few dozen times; `npm run harness:inputs` runs them many more times and prints the
 * figures. Both take the targets from ./index.ts.
 */

import type fc from 'fast-check';
import { RotasyncError } from '#shared/errors.js';

/** A prepared target: `check` answers a violation (a sentence) or `undefined` (it held). */
export interface OpenTarget<T> {
  check(input: T): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface HostileInputTarget<T> {
  /** Short name, printed in the figures. */
  readonly name: string;
  /** What is fed in, and through which code. */
  readonly description: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Inputs per `npm test` run, and per full run. */
  readonly runs: { readonly reduced: number; readonly full: number };
  /** Builds what the checks share (a local cloud, ...) once per run. */
  open(): Promise<OpenTarget<T>>;
}

/** Erases a target's input type, for lists of targets. */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list; each target checks its own input type.
export type AnyHostileInputTarget = HostileInputTarget<any>;

/** `undefined` when `error` is one of Rotasync's typed errors, else the violation. */
export const untyped = (error: unknown, allowed?: readonly string[]): string | undefined => {
  if (!(error instanceof RotasyncError)) {
    const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return `an untyped error escaped: ${name.slice(0, 300)}`;
  }
  if (allowed !== undefined && !allowed.includes(error.name)) {
    return `unexpected ${error.name}: ${error.message.slice(0, 300)}`;
  }
  return undefined;
};

/** A violation when any `values` (canaries) appears in `texts`. */
export const leaked = (texts: readonly string[], values: readonly string[]): string | undefined => {
  for (const value of values) {
    if (texts.some((text) => text.includes(value)))
      return 'a secret value appeared in an error or a log line';
  }
  return undefined;
};

/** The first violation of several, or `undefined`. */
export const firstOf = (...violations: (string | undefined)[]): string | undefined =>
  violations.find((violation) => violation !== undefined);
