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
}

/**
 * Reads the sweep's settings; throws ConfigurationError when the Region is unset or the pace is
 * not a positive number.
 *
 * @example
 * const config = readReconcileConfig(process.env); // at module scope
 */
export const readReconcileConfig = (env: Env): ReconcileConfig => {
  const region = env.AWS_REGION ?? '';
  const writesPerSecond = Number(env.ROTASYNC_RECONCILE_WRITES_PER_SECOND ?? '10');
  if (region === '' || !(writesPerSecond > 0)) {
    throw new ConfigurationError(
      'AWS_REGION and a positive ROTASYNC_RECONCILE_WRITES_PER_SECOND are required',
    );
  }
  return { region, writesPerSecond };
};
