import type { Request } from '@middy/core';
import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '#functions/reconcile/reconcile.js';
import { sweepMetrics } from '#functions/reconcile/sweep-metrics.js';
import { RecordingMetrics } from '#test/fakes/recording-metrics.js';

const reportWith = (listed: number, unlisted?: number): ReconcileReport => ({
  checked: 1_000,
  inSync: 1_000 - listed - (unlisted ?? 0),
  repaired: 3,
  failed: 1,
  dryRun: false,
  drift: Array.from({ length: listed }, (_, i) => ({
    secret: `arn:aws:secretsmanager:us-east-1:123456789012:secret:app-${i}-AbCdEf`,
    region: 'us-west-2',
    reason: 'stale-value' as const,
    repaired: false,
  })),
  errors: [],
  ...(unlisted === undefined ? {} : { unlisted: { drift: unlisted, errors: 0 } }),
});

const afterSweep = (report: ReconcileReport): RecordingMetrics => {
  const metrics = new RecordingMetrics();
  const request = { response: report } as Request<unknown, ReconcileReport>;
  void sweepMetrics({ metrics }).after?.(request);
  return metrics;
};

describe('sweep metrics', () => {
  it('counts the drift the report lists', () => {
    // Act
    const metrics = afterSweep(reportWith(4));
    // Assess
    expect(metrics.calls).toEqual([{ kind: 'sweepFinished', drift: 4, repaired: 3, failed: 1 }]);
  });

  it('counts the drift found beyond the listed entries too', () => {
    // Act
    const metrics = afterSweep(reportWith(500, 20));
    // Assess
    expect(metrics.calls).toEqual([{ kind: 'sweepFinished', drift: 520, repaired: 3, failed: 1 }]);
  });
});
