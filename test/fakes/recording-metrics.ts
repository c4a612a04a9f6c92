/** A RotasyncMetrics that records each call, for tests that do not read EMF lines. */
import type { RotasyncMetrics, StepOutcome, SweepCounts } from '#shared/metrics.js';

export type MetricCall =
  | { readonly kind: 'rotationStep'; readonly step: string; readonly outcome: StepOutcome }
  | { readonly kind: 'rotationSucceeded' }
  | { readonly kind: 'replicaWritten'; readonly region: string; readonly lagMs: number }
  | { readonly kind: 'replicationFailed'; readonly region: string }
  | ({ readonly kind: 'sweepFinished' } & SweepCounts)
  | { readonly kind: 'drillFinished'; readonly region: string; readonly problems: number };

export class RecordingMetrics implements RotasyncMetrics {
  public readonly calls: MetricCall[] = [];

  public rotationStep(step: string, outcome: StepOutcome): void {
    this.calls.push({ kind: 'rotationStep', step, outcome });
  }

  public rotationSucceeded(): void {
    this.calls.push({ kind: 'rotationSucceeded' });
  }

  public replicaWritten(region: string, lagMs: number): void {
    this.calls.push({ kind: 'replicaWritten', region, lagMs });
  }

  public replicationFailed(region: string): void {
    this.calls.push({ kind: 'replicationFailed', region });
  }

  public sweepFinished(counts: SweepCounts): void {
    this.calls.push({ kind: 'sweepFinished', ...counts });
  }

  public drillFinished(region: string, problems: number): void {
    this.calls.push({ kind: 'drillFinished', region, problems });
  }
}
