import { describe, expect, it } from 'vitest';
import { createMetricLog, describeEmfLine, parseEmfLine } from '#local-cloud/lambda/emf.js';

const EMF = JSON.stringify({
  _aws: {
    Timestamp: 1_700_000_000_000,
    CloudWatchMetrics: [
      {
        Namespace: 'Rotasync',
        Dimensions: [['service', 'Step', 'Outcome']],
        Metrics: [{ Name: 'RotationStepDuration', Unit: 'Milliseconds' }],
      },
    ],
  },
  service: 'rotasync',
  Step: 'createSecret',
  Outcome: 'success',
  RotationStepDuration: 12.5,
});

describe('the local cloud reads EMF lines as CloudWatch Logs would', () => {
  it('turns an EMF line into its datapoints', () => {
    // Act
    const points = parseEmfLine(EMF);
    // Assess
    expect(points).toEqual([
      {
        namespace: 'Rotasync',
        name: 'RotationStepDuration',
        unit: 'Milliseconds',
        value: 12.5,
        dimensions: { service: 'rotasync', Step: 'createSecret', Outcome: 'success' },
        timestamp: 1_700_000_000_000,
      },
    ]);
  });

  it.each([
    ['a log line', '{"level":"INFO","message":"pending version staged"}'],
    ['plain text', 'Task timed out'],
    ['broken JSON that mentions _aws', '{"_aws": {'],
    ['an _aws key without metrics', '{"_aws":{"Timestamp":1}}'],
  ])('leaves %s alone', (_what, line) => {
    // Act
    const points = parseEmfLine(line);
    // Assess
    expect(points).toEqual([]);
    expect(describeEmfLine(line)).toBeUndefined();
  });

  it('describes an EMF line in one readable line, without the service dimension', () => {
    // Act
    const text = describeEmfLine(EMF);
    // Assess
    expect(text).toBe(
      'metric RotationStepDuration=12.5 Milliseconds {Step=createSecret, Outcome=success}',
    );
  });

  it('keeps only the datapoints of EMF lines in its metric log', () => {
    // Prepare
    const log = createMetricLog();
    // Act
    log.record('{"level":"INFO","message":"x"}');
    log.record(EMF);
    // Assess
    expect(log.datapoints().map((point) => point.name)).toEqual(['RotationStepDuration']);
    log.clear();
    expect(log.datapoints()).toEqual([]);
  });
});
