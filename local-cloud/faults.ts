/**
 * Fault injection for reliability tests: latency, throttling and server errors at a rate, and
 * "fail the next N calls of an operation", everywhere or in one Region only (so one Region can be
 * down while another works), and the service's own request-rate quotas (opt-in). The server asks
 * `decide` before a request reaches its service, so a faulted call never changes anything.
 */
import { createQuotaBuckets } from './request-quotas.js';
import type { FaultInjector, FaultSettings } from './types.js';

/** A fault to answer with instead of handling the request. */
export interface InjectedError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

export interface FaultDecision {
  readonly latencyMs: number;
  readonly error: InjectedError | undefined;
}

/** The injector the server consults. */
export interface FaultController extends FaultInjector {
  /**
   * Consumes one `failNext` credit or draws the rates for one call of `operation` in `region`;
   * Region-specific faults come first, then those for every Region.
   */
  decide(operation: string, region?: string): FaultDecision;
}

const throttling: InjectedError = {
  code: 'ThrottlingException',
  status: 400,
  message: 'Rate exceeded',
};
const serverError = (message: string): InjectedError => ({
  code: 'InternalServiceError',
  status: 500,
  message,
});

const ANY_REGION = '*';

const checkSettings = (next: FaultSettings): void => {
  for (const rate of [next.throttleRate, next.serverErrorRate]) {
    if (rate !== undefined && !(rate >= 0 && rate <= 1))
      throw new RangeError('Fault rates must be between 0 and 1.');
  }
  if (next.latencyMs !== undefined && !(next.latencyMs >= 0)) {
    throw new RangeError('latencyMs must be 0 or more.');
  }
  const scale = next.requestQuota?.scale;
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) {
    throw new RangeError('requestQuota.scale must be a number above 0.');
  }
};

const plannedError = (operation: string, code: string): InjectedError => {
  if (code === 'ThrottlingException') return throttling;
  const status = code === 'InternalServiceError' ? 500 : 400;
  return { code, status, message: `Injected fault: ${operation} failed.` };
};

/** A fault controller; `random` (0..1) and the clock `now` (ms) are injectable for tests. */
export const createFaultController = (
  random: () => number = Math.random,
  now: () => number = () => performance.now(),
): FaultController => {
  // Quotas are per Region whatever the settings are keyed by: one set of buckets per Region.
  const quotas = createQuotaBuckets(now);
  // Keyed by Region (`*` for every Region).
  const settings = new Map<string, FaultSettings>();
  const pending = new Map<string, { count: number; code: string }>();
  const pendingKey = (region: string, operation: string): string => `${region}|${operation}`;

  const takePlanned = (operation: string, region: string | undefined) => {
    for (const where of region === undefined ? [ANY_REGION] : [region, ANY_REGION]) {
      const key = pendingKey(where, operation);
      const planned = pending.get(key);
      if (planned === undefined) continue;
      planned.count -= 1;
      if (planned.count <= 0) pending.delete(key);
      return planned;
    }
    return undefined;
  };

  return {
    set(next, region) {
      checkSettings(next);
      settings.set(region ?? ANY_REGION, { ...next });
    },
    failNext(operation, count, errorCode = 'InternalServiceError', region) {
      if (!Number.isInteger(count) || count < 0)
        throw new RangeError('count must be a whole number.');
      const key = pendingKey(region ?? ANY_REGION, operation);
      if (count === 0) pending.delete(key);
      else pending.set(key, { count, code: errorCode });
    },
    clear() {
      settings.clear();
      pending.clear();
      quotas.reset();
    },
    decide(operation, region) {
      const active =
        (region === undefined ? undefined : settings.get(region)) ?? settings.get(ANY_REGION) ?? {};
      const latencyMs = active.latencyMs ?? 0;
      const planned = takePlanned(operation, region);
      if (planned !== undefined) return { latencyMs, error: plannedError(operation, planned.code) };
      const quota = active.requestQuota;
      if (quota !== undefined && !quotas.admit(operation, region ?? ANY_REGION, quota.scale ?? 1)) {
        return { latencyMs, error: throttling };
      }
      if (active.throttleRate !== undefined && random() < active.throttleRate) {
        return { latencyMs, error: throttling };
      }
      if (active.serverErrorRate !== undefined && random() < active.serverErrorRate) {
        return {
          latencyMs,
          error: serverError('An error occurred on the server side (injected fault).'),
        };
      }
      return { latencyMs, error: undefined };
    },
  };
};
