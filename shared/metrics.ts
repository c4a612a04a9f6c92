/**
 * Rotasync's metrics, as one port with one method per event of the metrics contract, and its
 * adapter: CloudWatch embedded metric format (EMF) lines written by Powertools Metrics, which
 * CloudWatch Logs turns into metrics in the namespace POWERTOOLS_METRICS_NAMESPACE (`Rotasync`),
 * each with the `service` dimension Powertools adds (POWERTOOLS_SERVICE_NAME, `rotasync`).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * | metric               | unit         | dimensions    | when                                   |
 * |----------------------|--------------|---------------|----------------------------------------|
 * | RotationStepDuration | Milliseconds | Step, Outcome | every rotation step invocation         |
 * | RotationStepFailed   | Count        | Step          | a step threw                           |
 * | RotationSucceeded    | Count        | (none)        | finishSecret moved AWSCURRENT          |
 * | ReplicationLag       | Milliseconds | Region        | a replica was written                  |
 * | ReplicationFailed    | Count        | Region        | a replica Region failed                |
 * | ReconcileDrift       | Count        | (none)        | per sweep: drift entries found         |
 * | ReconcileRepaired    | Count        | (none)        | per sweep                              |
 * | ReconcileFailed      | Count        | (none)        | per sweep                              |
 * | DrillProblems        | Count        | Region        | per drill                              |
 *
 * Dimensions only ever take values from closed sets (the four steps, two outcomes, Region names
 * that parsed as such): never a secret's name, ARN or value, which would leak and would make one
 * CloudWatch metric per secret.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

import type { RotationStep } from '#shared/inputs/rotation-event.js';

/** How a rotation step invocation ended. */
export type StepOutcome = 'success' | 'failure';

/** What one sweep (or one part of a sweep that continues) found and did. */
export interface SweepCounts {
  readonly drift: number;
  readonly repaired: number;
  readonly failed: number;
}

/** The metrics contract, one method per event. */
export interface RotasyncMetrics {
  /** A rotation step invocation ended after `durationMs`. */
  rotationStep(step: RotationStep, outcome: StepOutcome, durationMs: number): void;
  /** finishSecret moved AWSCURRENT to the new version. */
  rotationSucceeded(): void;
  /** A replica in `region` was written `lagMs` after its source version was created. */
  replicaWritten(region: string, lagMs: number): void;
  /** Replication to `region` failed. */
  replicationFailed(region: string): void;
  /** A sweep (or one part of it) ended. */
  sweepFinished(counts: SweepCounts): void;
  /** A drill of `region` found `problems` (0 when ready). */
  drillFinished(region: string, problems: number): void;
}

/** Region names as Secrets Manager spells them; anything else never becomes a dimension. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const regionDimension = (region: string): string => (REGION_NAME.test(region) ? region : 'unknown');

/**
 * The port over Powertools Metrics. Each metric with its own dimensions is one EMF line of its
 * own (`singleMetric()`), so no metric inherits another's dimensions; the sweep's three counts
 * share one line.
 *
 * @example
 * const metrics = emfMetrics(new Metrics()); // namespace and service from the environment
 * metrics.rotationStep('createSecret', 'success', 12);
 */
export const emfMetrics = (metrics: Metrics): RotasyncMetrics => {
  const emit = (
    dimensions: Readonly<Record<string, string>>,
    values: readonly (readonly [string, Unit, number])[],
  ): void => {
    // A single-metric instance publishes on its first addMetric, so several values that share
    // their dimensions go through the buffered instance and one publish.
    const target = values.length === 1 ? metrics.singleMetric() : metrics;
    for (const [name, value] of Object.entries(dimensions)) target.addDimension(name, value);
    for (const [name, unit, value] of values) target.addMetric(name, unit, value);
    if (target === metrics) metrics.publishStoredMetrics();
  };
  return {
    rotationStep: (step, outcome, durationMs) => {
      emit({ Step: step, Outcome: outcome }, [
        ['RotationStepDuration', MetricUnit.Milliseconds, durationMs],
      ]);
      if (outcome === 'failure') {
        emit({ Step: step }, [['RotationStepFailed', MetricUnit.Count, 1]]);
      }
    },
    rotationSucceeded: () => emit({}, [['RotationSucceeded', MetricUnit.Count, 1]]),
    replicaWritten: (region, lagMs) =>
      emit({ Region: regionDimension(region) }, [
        ['ReplicationLag', MetricUnit.Milliseconds, Math.max(0, lagMs)],
      ]),
    replicationFailed: (region) =>
      emit({ Region: regionDimension(region) }, [['ReplicationFailed', MetricUnit.Count, 1]]),
    sweepFinished: ({ drift, repaired, failed }) =>
      emit({}, [
        ['ReconcileDrift', MetricUnit.Count, drift],
        ['ReconcileRepaired', MetricUnit.Count, repaired],
        ['ReconcileFailed', MetricUnit.Count, failed],
      ]),
    drillFinished: (region, problems) =>
      emit({ Region: regionDimension(region) }, [['DrillProblems', MetricUnit.Count, problems]]),
  };
};
