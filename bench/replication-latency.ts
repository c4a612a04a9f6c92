/**
 * Replication latency: from a change in the primary Region to the replica holding it. The local
 * cloud turns each PutSecretValue into the EventBridge events AWS would send, delivers them to
 * the real `replicate` function (its own execution environment, warm after the first change),
 * and the function writes the replica in the recovery Region. Both moments are taken from the
 * local cloud's own record of the two calls (the source's PutSecretValue, and the replica's
 * first PutSecretValue or UpdateSecretVersionStage of that version), one change at a time.
 * Beside it, the function's own ReplicationLag metric (now − the source version's CreatedDate),
 * read from its EMF lines.
 */
import type { ApiCallRecord } from '#local-cloud/index.js';
import { PRIMARY, startReplicationHarness, WEST } from '#local-cloud/replication-stack.js';
import { quantile } from './table.js';

const WRITES = new Set(['PutSecretValue', 'UpdateSecretVersionStage', 'CreateSecret']);

export interface ReplicationLatencyFigures {
  readonly changes: number;
  readonly addedLatencyMs: number;
  /** Change to replica write, per change (ms). */
  readonly lagMs: readonly number[];
  /** The function's ReplicationLag datapoints (ms). */
  readonly metricLagMs: readonly number[];
  /** Secrets Manager calls `replicate` made, per change. */
  readonly callsPerChange: number;
  readonly invocationsPerChange: number;
}

/** The version a replica write installs: the source's VersionId, copied as the token. */
const installedVersion = (record: ApiCallRecord): string | undefined => {
  const request = record.request as { ClientRequestToken?: unknown; MoveToVersionId?: unknown };
  const version =
    record.operation === 'UpdateSecretVersionStage'
      ? request.MoveToVersionId
      : request.ClientRequestToken;
  return typeof version === 'string' ? version : undefined;
};

/**
 * Makes `changes` changes to one replicated secret, one at a time, and measures each one's
 * replication. `addedLatencyMs` is added to every local-cloud call (0: as fast as it answers).
 */
export const measureReplicationLatency = async (
  changes: number,
  addedLatencyMs: number,
): Promise<ReplicationLatencyFigures> => {
  const harness = await startReplicationHarness({
    recoveryRegions: [WEST],
    events: { autoDeliver: true },
  });
  try {
    const name = 'bench/latency/app';
    // No host: the value is copied unchanged, so the replica's version is the source's.
    const value = (n: number) => JSON.stringify({ username: 'app', password: `latency-${n}` });
    await harness.createSecret(name, value(0));
    await harness.stack.events.flush();
    harness.stack.cloud.faults.set({ latencyMs: addedLatencyMs });

    const changedAt = new Map<string, number>();
    const written = new Map<string, number>();
    let waiting: { version: string; resolve: () => void } | undefined;
    const stop = harness.stack.cloud.onApiCall((record) => {
      if (record.region === WEST && WRITES.has(record.operation)) {
        const version = installedVersion(record);
        if (version !== undefined && !written.has(version)) {
          written.set(version, record.at.getTime());
          if (waiting?.version === version) waiting.resolve();
        }
      }
      if (record.region === PRIMARY && record.operation === 'PutSecretValue') {
        const version = (record.response as { VersionId?: unknown }).VersionId;
        if (typeof version === 'string') changedAt.set(version, record.at.getTime());
      }
    });
    harness.stack.cloud.requestLog.clear();
    harness.stack.metrics.clear();
    const deliveriesBefore = harness.stack.events.deliveries().length;
    const lagMs: number[] = [];
    try {
      for (let change = 1; change <= changes; change += 1) {
        const version = await harness.putValue(name, value(change));
        if (!written.has(version)) {
          await new Promise<void>((resolve) => {
            waiting = { version, resolve };
          });
        }
        lagMs.push((written.get(version) ?? Number.NaN) - (changedAt.get(version) ?? Number.NaN));
        // Every delivery of this change ends before the next change: one change at a time.
        await harness.stack.events.flush();
      }
    } finally {
      stop();
    }
    const calls = harness.stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.caller === 'local-replicate').length;
    const metricLagMs = harness.stack.metrics
      .datapoints()
      .filter((point) => point.name === 'ReplicationLag')
      .map((point) => point.value);
    return {
      changes,
      addedLatencyMs,
      lagMs,
      metricLagMs,
      callsPerChange: calls / changes,
      invocationsPerChange: (harness.stack.events.deliveries().length - deliveriesBefore) / changes,
    };
  } finally {
    await harness.stop();
  }
};

/** p50 and p95 of a list of milliseconds. */
export const percentiles = (values: readonly number[]): { p50: number; p95: number } => ({
  p50: quantile(values, 0.5),
  p95: quantile(values, 0.95),
});
