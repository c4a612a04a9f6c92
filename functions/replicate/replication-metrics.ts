/**
 * The replicate function's metrics, as middleware reading the replication report: for each
 * Region written, ReplicationLag (Region) = now − the source version's CreatedDate, i.e. from
 * the change in the source Region to the replica holding it; ReplicationFailed (Region) for each
 * Region that failed (the report travels on ReplicationFailedError).
 */
import type { MiddlewareObj } from '@middy/core';
import { ReplicationFailedError } from '#shared/errors.js';
import type { RotasyncMetrics } from '#shared/metrics.js';
import type { ReplicationReport } from '#shared/replication/replicate-secret.js';

/** Options of {@link replicationMetrics}; `now` (epoch milliseconds) is injectable for tests. */
export interface ReplicationMetricsOptions {
  readonly metrics: Pick<RotasyncMetrics, 'replicaWritten' | 'replicationFailed'>;
  readonly now?: () => number;
}

/**
 * @example
 * middy().use(parseEvent(…)).use(replicationMetrics({ metrics })).use(errorBoundary(…))
 */
export const replicationMetrics = ({
  metrics,
  now = () => Date.now(),
}: ReplicationMetricsOptions): MiddlewareObj<unknown, ReplicationReport | undefined> => {
  const record = (report: ReplicationReport | null | undefined): void => {
    if (report === undefined || report === null) return;
    const created = Date.parse(report.sourceVersionCreatedDate ?? '');
    for (const result of report.regions) {
      if (result.status === 'failed') metrics.replicationFailed(result.region);
      else if (
        (result.status === 'created' || result.status === 'updated') &&
        Number.isFinite(created)
      ) {
        metrics.replicaWritten(result.region, now() - created);
      }
    }
  };
  return {
    after: (request): void => record(request.response),
    onError: (request): void => {
      if (request.error instanceof ReplicationFailedError) record(request.error.report);
    },
  };
};
