/**
 * Bounded retries with exponential backoff and full jitter for transient AWS failures
 * (throttling, 5xx, a Region that does not answer). Anything else fails at once.
 * https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
import { ReplicaStoreError } from '#shared/aws/replica-store.js';

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Total attempts, the first included (default 4). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1): the jitter source. */
  readonly random: () => number;
}

/** Four attempts, 100 ms doubling up to 2 s, real timers. */
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

const TRANSIENT_SDK_ERRORS = new Set(['ThrottlingException', 'Throttling', 'RequestLimitExceeded']);

/** True for failures a retry may cure: transient store errors and throttled or 5xx SDK calls. */
export const isTransient = (error: unknown): boolean => {
  if (error instanceof ReplicaStoreError) return error.transient;
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return TRANSIENT_SDK_ERRORS.has(error.name) || (status !== undefined && status >= 500);
};

/** Runs `operation`, retrying transient failures; rethrows the last error when attempts run out. */
export const withRetry = async <T>(
  operation: () => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
  retryable: (error: unknown) => boolean = isTransient,
): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error)) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await policy.sleep(Math.floor(policy.random() * ceiling));
    }
  }
};
