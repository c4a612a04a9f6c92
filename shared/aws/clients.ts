/**
 * How every AWS SDK client of Rotasync is made: one client per Region, kept while the Lambda is
 * warm, and one retry policy, the SDK's own standard retry strategy configured to up to 4
 * attempts with full-jitter backoff from 100 ms doubling to 2 s. The SDK retries only what may
 * succeed later: throttling, HTTP 500/502/503/504 and network errors
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). Endpoints come
 * only from the SDK's own settings (AWS_ENDPOINT_URL_<SERVICE>).
 */
import { ConfiguredRetryStrategy, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { AwsCallError, type ErrorWhere } from '#shared/errors.js';

/** The retry figures: attempts in all (the first included), and the backoff's bounds. */
export const RETRY = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 } as const;

/**
 * The wait before retry number `retry` (1 for the first): full jitter, a random share of
 * 100 ms × 2^(retry-1), capped at 2 s
 * (https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/).
 *
 * @example
 * backoffDelay(3, () => 0.5) // 200
 */
export const backoffDelay = (retry: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (retry - 1)));

/** The SDK client settings every Rotasync client uses; `random` is the jitter source. */
export interface ClientSettings {
  readonly region?: string;
  readonly maxAttempts: number;
  readonly retryStrategy: ConfiguredRetryStrategy;
}

/**
 * Settings for `new XxxClient(clientSettings(region))`. A new retry strategy per client, because
 * the strategy keeps the client's retry quota.
 *
 * @example
 * const client = new SecretsManagerClient(clientSettings('eu-west-1'));
 */
export const clientSettings = (
  region?: string,
  random: () => number = Math.random,
): ClientSettings => ({
  ...(region === undefined ? {} : { region }),
  maxAttempts: RETRY.maxAttempts,
  retryStrategy: new ConfiguredRetryStrategy(RETRY.maxAttempts, (retry) =>
    backoffDelay(retry, random),
  ),
});

/**
 * One value per Region (a client, an adapter), made by `make` on first use and reused.
 * `undefined` is the function's own Region (the SDK reads AWS_REGION).
 *
 * @example
 * const clients = perRegion((region) => new RDSClient(clientSettings(region)));
 */
export const perRegion = <T>(make: (region: string | undefined) => T): ((region?: string) => T) => {
  const made = new Map<string, T>();
  return (region) => {
    const key = region ?? '';
    const known = made.get(key);
    if (known !== undefined) return known;
    const value = make(region);
    made.set(key, value);
    return value;
  };
};

/** The name of an SDK error (`ResourceNotFoundException`, `DBClusterNotFoundFault`, ...). */
export const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : 'UnknownError';

const httpStatus = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && '$metadata' in error
    ? (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    : undefined;

/** What the SDK's standard strategy retries: throttling, 500/502/503/504, timeouts, network. */
const isRetryable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError);
};

/**
 * Runs one SDK call of `service`; a failure becomes an AwsCallError naming its code, the
 * operation and the secret (the original stays as `cause`: SDK messages carry no values).
 *
 * @example
 * await callAws('Secrets Manager', { operation: 'GetSecretValue in us-east-1', secretId }, () =>
 *   client.send(command));
 */
export const callAws = async <T>(
  service: string,
  where: ErrorWhere,
  run: () => Promise<T>,
): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    // No HTTP status at all: the request never got an answer (network), which is transient.
    const transient = isRetryable(error) || httpStatus(error) === undefined;
    throw new AwsCallError({ service, code: errorName(error), transient }, where, {
      cause: error,
    });
  }
};
