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

/** Opaque pagination token: the offset to resume from. */
export const encodeNextToken = (offset: number): string =>
  Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');

/** The offset a NextToken carries (0 without one); `undefined` for a token not issued here. */
export const decodeNextToken = (token: string | undefined): number | undefined => {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      offset?: unknown;
    };
    return typeof parsed.offset === 'number' &&
      Number.isInteger(parsed.offset) &&
      parsed.offset >= 0
      ? parsed.offset
      : undefined;
  } catch {
    return undefined;
  }
};
