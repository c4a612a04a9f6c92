/**
 * Fault injection for reliability tests: latency, throttling and server errors at a rate, and
 * "fail the next N calls of an operation". The server asks `decide` before a request reaches its
 * service, so a faulted call never changes anything.
 */
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
  /** Consumes one `failNext` credit or draws the rates for one call of `operation`. */
  decide(operation: string): FaultDecision;
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

/** A fault controller; `random` (0..1) is injectable for tests. */
export const createFaultController = (random: () => number = Math.random): FaultController => {
  let settings: FaultSettings = {};
  const pending = new Map<string, { count: number; code: string }>();
  return {
    set(next) {
      for (const rate of [next.throttleRate, next.serverErrorRate]) {
        if (rate !== undefined && !(rate >= 0 && rate <= 1))
          throw new RangeError('Fault rates must be between 0 and 1.');
      }
      if (next.latencyMs !== undefined && !(next.latencyMs >= 0)) {
        throw new RangeError('latencyMs must be 0 or more.');
      }
      settings = { ...next };
    },
    failNext(operation, count, errorCode = 'InternalServiceError') {
      if (!Number.isInteger(count) || count < 0)
        throw new RangeError('count must be a whole number.');
      if (count === 0) pending.delete(operation);
      else pending.set(operation, { count, code: errorCode });
    },
    clear() {
      settings = {};
      pending.clear();
    },
    decide(operation) {
      const latencyMs = settings.latencyMs ?? 0;
      const planned = pending.get(operation);
      if (planned !== undefined) {
        planned.count -= 1;
        if (planned.count <= 0) pending.delete(operation);
        const status = planned.code === 'InternalServiceError' ? 500 : 400;
        const error =
          planned.code === 'ThrottlingException'
            ? throttling
            : { code: planned.code, status, message: `Injected fault: ${operation} failed.` };
        return { latencyMs, error };
      }
      if (settings.throttleRate !== undefined && random() < settings.throttleRate) {
        return { latencyMs, error: throttling };
      }
      if (settings.serverErrorRate !== undefined && random() < settings.serverErrorRate) {
        return {
          latencyMs,
          error: serverError('An error occurred on the server side (injected fault).'),
        };
      }
      return { latencyMs, error: undefined };
    },
  };
};
