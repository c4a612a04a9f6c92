/**
 * The inputs of the disaster-recovery functions, parsed before any AWS call. A bad field throws
 * InvalidEventError naming it; unknown fields are refused, so a typo (`dryrun`) cannot turn a
 * dry run into a real failover.
 */
import { InvalidEventError } from '#shared/errors.js';
import { REGION_PATTERN } from '#shared/replication/config.js';
import { parseSelector, type SecretSelector } from './selector.js';

/** drill's input. */
export interface DrillInput {
  readonly secrets: SecretSelector;
  /** Throw DrillFailedError when problems are found (default true), so a schedule alarms. */
  readonly failOnProblems: boolean;
}

/** failover's input. */
export interface FailoverInput {
  /** The Region to fail over to: the function's own. */
  readonly region: string;
  readonly secrets: SecretSelector;
  readonly dryRun: boolean;
}

/** failback's input. */
export interface FailbackInput {
  /** The old Region, whose secrets become replicas of this Region's. */
  readonly region: string;
  readonly secrets: SecretSelector;
  readonly force: boolean;
  readonly dryRun: boolean;
}

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

const record = (input: unknown, allowed: readonly string[]): Record<string, unknown> => {
  const event = input === undefined || input === null ? {} : input;
  if (!isRecord(event)) throw new InvalidEventError('event', 'the input must be a JSON object');
  const unknown = Object.keys(event).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new InvalidEventError(
      unknown.slice(0, 64).replace(/[^ -~]/g, '?'),
      `field "${unknown.slice(0, 64).replace(/[^ -~]/g, '?')}" is not one of ${allowed.join(', ')}`,
    );
  }
  return event;
};

const flag = (event: Record<string, unknown>, field: string, fallback: boolean): boolean => {
  const value = event[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new InvalidEventError(field, `field "${field}" must be true or false`);
  }
  return value;
};

const region = (event: Record<string, unknown>, field: string): string => {
  const value = event[field];
  if (typeof value !== 'string' || !REGION_PATTERN.test(value) || value.length > 32) {
    throw new InvalidEventError(field, `field "${field}" must name a Region, e.g. us-west-2`);
  }
  return value;
};

/**
 * `region` and `confirm` must both be given and equal, so a failover (or failback) names its
 * target twice; `ownRegion` is the function's Region, which failover must act in and failback
 * must not name.
 */
const confirmedRegion = (event: Record<string, unknown>): string => {
  const target = region(event, 'region');
  if (event.confirm !== target) {
    throw new InvalidEventError(
      'confirm',
      `field "confirm" must repeat the Region "${target}" to confirm`,
    );
  }
  return target;
};

/** Parses drill's input: `{ secrets?, failOnProblems? }`. */
export const parseDrillInput = (input: unknown): DrillInput => {
  const event = record(input, ['secrets', 'failOnProblems']);
  return {
    secrets: parseSelector(event.secrets),
    failOnProblems: flag(event, 'failOnProblems', true),
  };
};

/**
 * Parses failover's input: `{ region, confirm, secrets?, dryRun? }`; `region` must be
 * `ownRegion`, the Region the function runs in.
 */
export const parseFailoverInput = (input: unknown, ownRegion: string): FailoverInput => {
  const event = record(input, ['region', 'confirm', 'secrets', 'dryRun']);
  const target = confirmedRegion(event);
  if (target !== ownRegion) {
    throw new InvalidEventError(
      'region',
      `field "region" is ${target}, but this function runs in ${ownRegion}: invoke the failover function of ${target}`,
    );
  }
  return {
    region: target,
    secrets: parseSelector(event.secrets),
    dryRun: flag(event, 'dryRun', false),
  };
};

/**
 * Parses failback's input: `{ region, confirm, secrets?, force?, dryRun? }`; `region` is the old
 * Region and must not be `ownRegion`.
 */
export const parseFailbackInput = (input: unknown, ownRegion: string): FailbackInput => {
  const event = record(input, ['region', 'confirm', 'secrets', 'force', 'dryRun']);
  const target = confirmedRegion(event);
  if (target === ownRegion) {
    throw new InvalidEventError(
      'region',
      `field "region" names this function's own Region ${ownRegion}: name the old Region whose secrets become replicas`,
    );
  }
  return {
    region: target,
    secrets: parseSelector(event.secrets),
    force: flag(event, 'force', false),
    dryRun: flag(event, 'dryRun', false),
  };
};
