/**
 * The reconcile function's metrics, as middleware reading the sweep's report: ReconcileDrift
 * (drift entries found), ReconcileRepaired and ReconcileFailed, once per invocation. A sweep that
 * continues in another invocation emits once per part; their Sum over a period is the sweep's.
 * A sweep that throws emits nothing: the function's Errors alarm covers it.
 */
import type { MiddlewareObj } from '@middy/core';
import type { RotasyncMetrics } from '#shared/metrics.js';
import type { ReconcileReport } from './reconcile.js';

/**
 * @example
 * middy().use(sweepMetrics({ metrics })).use(errorBoundary(…))
 */
export const sweepMetrics = ({
  metrics,
}: {
  readonly metrics: Pick<RotasyncMetrics, 'sweepFinished'>;
}): MiddlewareObj<unknown, ReconcileReport> => ({
  after: (request): void => {
    const report = request.response;
    if (report === undefined || report === null) return;
    metrics.sweepFinished({
      // The report lists the first entries only; `unlisted` counts the rest.
      drift: report.drift.length + (report.unlisted?.drift ?? 0),
      repaired: report.repaired,
      failed: report.failed,
    });
  },
});
