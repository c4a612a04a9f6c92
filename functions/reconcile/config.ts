/**
 * The reconcile function's own settings, read once at cold start; the replication settings it
 * shares with replicate are shared/replication/config.ts.
 */
import type { Env } from '#shared/env.js';
import { ConfigurationError } from '#shared/errors.js';

/** What only the sweep reads. */
export interface ReconcileConfig {
  /** The Region swept: the function's own (AWS_REGION). */
  readonly region: string;
  /** ROTASYNC_RECONCILE_WRITES_PER_SECOND (default 10): write calls a second, all Regions. */
  readonly writesPerSecond: number;
  /**
   * ROTASYNC_RECONCILE_READS_PER_SECOND (default 80): ListSecrets calls a second, and as many
   * BatchGetSecretValue calls, per Region. The service allows 100 of each per Region and
   * account; the rest is left to everything else that reads.
   */
  readonly readsPerSecond: number;
  /**
   * ROTASYNC_RECONCILE_RESERVE_SECONDS (default 60): how long before the Lambda timeout a part of
   * the sweep stops starting new work, finishes what is in flight and hands over to the next.
   */
  readonly reserveSeconds: number;
}

const positive = (env: Env, name: string, fallback: string): number => {
  const value = Number(env[name] ?? fallback);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new ConfigurationError(`${name} must be a positive number`);
  }
  return value;
};

/**
 * Reads the sweep's settings; throws ConfigurationError when the Region is unset or a pace or
 * the reserve is not a positive number.
 *
 * @example
 * const config = readReconcileConfig(process.env); // at module scope
 */
export const readReconcileConfig = (env: Env): ReconcileConfig => {
  const region = env.AWS_REGION ?? '';
  if (region === '') throw new ConfigurationError('AWS_REGION is required');
  return {
    region,
    writesPerSecond: positive(env, 'ROTASYNC_RECONCILE_WRITES_PER_SECOND', '10'),
    readsPerSecond: positive(env, 'ROTASYNC_RECONCILE_READS_PER_SECOND', '80'),
    reserveSeconds: positive(env, 'ROTASYNC_RECONCILE_RESERVE_SECONDS', '60'),
  };
};
