/** What every operation receives and returns. */
import type { RegionStore } from '#local-cloud/secrets-manager/store.js';
import type { RequestBody } from '#local-cloud/secrets-manager/validate.js';

/** Starts rotations; implemented by the rotation runner. */
export interface RotationStarter {
  /** Whether the invoker is configured (RotateSecret needs it). */
  readonly canInvoke: boolean;
  /** Whether a rotation of `secretArn` is running in this process right now. */
  isRunning(region: string, secretArn: string): boolean;
  /**
   * Runs a rotation of `secretArn` for `token` in the background, after the current response.
   * `testOnly` runs testSecret alone and then removes the AWSPENDING version (RotateImmediately=false).
   */
  start(region: string, secretArn: string, token: string, testOnly: boolean): void;
}

export interface OperationContext {
  readonly region: string;
  readonly store: RegionStore;
  /** Epoch ms, read once per request. */
  readonly now: number;
  readonly rotations: RotationStarter;
}

export interface OperationResult {
  readonly response: Record<string, unknown>;
  /** The state changed: persist it before answering. */
  readonly changed: boolean;
}

/** One API operation: validates, applies, answers; throws ApiError. */
export type Operation = (body: RequestBody, context: OperationContext) => OperationResult;

/** Epoch seconds, as the JSON protocol carries timestamps. */
export const epochSeconds = (ms: number): number => ms / 1000;

/** Midnight UTC of `ms`: the service reports LastAccessedDate to the day. */
export const startOfUtcDay = (ms: number): number => ms - (ms % 86_400_000);

/** Where a NextToken resumes: the offset, and for ListSecrets the listing it continues. */
export interface PagePosition {
  readonly offset: number;
  readonly listing?: string;
}

/** Opaque pagination token: the offset to resume from (and the listing, for ListSecrets). */
export const encodeNextToken = (offset: number, listing?: string): string =>
  Buffer.from(
    JSON.stringify(listing === undefined ? { offset } : { offset, listing }),
    'utf8',
  ).toString('base64');

/** The position a NextToken carries (offset 0 without one); `undefined` for a token not issued here. */
export const decodeNextToken = (token: string | undefined): PagePosition | undefined => {
  if (token === undefined) return { offset: 0 };
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      offset?: unknown;
      listing?: unknown;
    };
    const { offset, listing } = parsed;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) return undefined;
    return typeof listing === 'string' ? { offset, listing } : { offset };
  } catch {
    return undefined;
  }
};
