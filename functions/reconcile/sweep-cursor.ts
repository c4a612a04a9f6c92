/**
 * Where a sweep that outgrew one invocation stopped, so the next invocation (a part) resumes
 * there: the listing it was in and the page to read next. It travels in the reconcile function's
 * own event (`{"dryRun": …, "continuation": {…}}`) and holds ids and counts only, never a value.
 */
import { InvalidEventError } from '#shared/errors.js';

/** The sweep's running counts, summed over its parts. */
export interface SweepTotals {
  readonly checked: number;
  readonly inSync: number;
  readonly repaired: number;
  readonly failed: number;
  readonly drift: number;
}

/**
 * - `pairs`: comparing sources with their replicas, listing the source Region from `nextToken`;
 * - `extras`: looking for replicas no source accounts for, in each Region of `extras` from its
 *   `nextToken` (the Regions are listed side by side).
 */
export interface SweepCursor {
  /** The sweep's id, the same in every part. */
  readonly id: string;
  /** The part about to run (the first is 1). */
  readonly part: number;
  /** When the first part started (ISO 8601). */
  readonly startedAt: string;
  readonly phase: 'pairs' | 'extras';
  /** ListSecrets' NextToken of the next page to read; absent: the listing's first page. */
  readonly nextToken?: string;
  /** The target Regions the sweep has seen so far. */
  readonly regions: readonly string[];
  /** `extras`: the Regions whose replicas are still to be listed, and from which page. */
  readonly extras?: readonly ExtrasPosition[];
  readonly totals: SweepTotals;
}

/** Where the listing of one Region's replicas resumes; no token: at its first page. */
export interface ExtrasPosition {
  readonly region: string;
  readonly nextToken?: string;
}

export const NO_TOTALS: SweepTotals = { checked: 0, inSync: 0, repaired: 0, failed: 0, drift: 0 };

/** A sweep stops after this many parts (about 12 hours of 15-minute invocations): a runaway guard. */
export const MAX_PARTS = 48;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const bad = (problem: string): InvalidEventError =>
  new InvalidEventError('continuation', `field "continuation" ${problem}`, {
    step: 'reconcile',
  });

const count = (totals: Record<string, unknown>, key: keyof SweepTotals): number => {
  const value = totals[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw bad(`has no whole count "totals.${key}"`);
  }
  return value;
};

/**
 * Reads a cursor from the function's event; throws InvalidEventError naming the field at fault.
 *
 * @example
 * parseSweepCursor(event.continuation) // { id, part: 2, phase: 'pairs', nextToken, … }
 */
export const parseSweepCursor = (input: unknown): SweepCursor => {
  if (!isRecord(input)) throw bad('is not an object');
  const { id, part, startedAt, phase, nextToken, regions, extras, totals } = input;
  if (typeof id !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(id)) throw bad('has no valid "id"');
  if (typeof part !== 'number' || !Number.isInteger(part) || part < 2 || part > MAX_PARTS) {
    throw bad(`has no "part" from 2 to ${MAX_PARTS}`);
  }
  if (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt))) {
    throw bad('has no ISO 8601 "startedAt"');
  }
  if (phase !== 'pairs' && phase !== 'extras')
    throw bad('has a "phase" other than pairs or extras');
  const token = (value: unknown, field: string): string | undefined => {
    if (value !== undefined && (typeof value !== 'string' || value.length > 4096)) {
      throw bad(`has a "${field}" that is not a string`);
    }
    return value;
  };
  const resumeAt = token(nextToken, 'nextToken');
  if (
    !Array.isArray(regions) ||
    !regions.every((name): name is string => typeof name === 'string' && REGION.test(name))
  ) {
    throw bad('has "regions" that are not Region names');
  }
  let positions: ExtrasPosition[] | undefined;
  if (phase === 'extras') {
    if (!Array.isArray(extras) || extras.length === 0)
      throw bad('is in phase extras without "extras"');
    positions = extras.map((position: unknown, index) => {
      if (!isRecord(position) || typeof position.region !== 'string') {
        throw bad(`has no Region in "extras[${index}]"`);
      }
      if (!regions.includes(position.region)) throw bad('has "extras" outside its "regions"');
      const at = token(position.nextToken, `extras[${index}].nextToken`);
      return { region: position.region, ...(at === undefined ? {} : { nextToken: at }) };
    });
  }
  if (!isRecord(totals)) throw bad('has no "totals"');
  return {
    id,
    part,
    startedAt,
    phase,
    ...(resumeAt === undefined ? {} : { nextToken: resumeAt }),
    regions,
    ...(positions === undefined ? {} : { extras: positions }),
    totals: {
      checked: count(totals, 'checked'),
      inSync: count(totals, 'inSync'),
      repaired: count(totals, 'repaired'),
      failed: count(totals, 'failed'),
      drift: count(totals, 'drift'),
    },
  };
};

/** `a + b`, count by count. */
export const addTotals = (a: SweepTotals, b: SweepTotals): SweepTotals => ({
  checked: a.checked + b.checked,
  inSync: a.inSync + b.inSync,
  repaired: a.repaired + b.repaired,
  failed: a.failed + b.failed,
  drift: a.drift + b.drift,
});
