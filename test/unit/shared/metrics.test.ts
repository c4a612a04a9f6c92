import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emfMetrics } from '#shared/metrics.js';
import { emfDatapoints } from '#test/helpers/emf.js';

let output: string[] = [];

beforeEach(() => {
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const metrics = () => emfMetrics(new Metrics({ namespace: 'Rotasync', serviceName: 'rotasync' }));

describe('emfMetrics', () => {
  it('writes each metric of the contract with exactly its dimensions', () => {
    // Prepare
    const port = metrics();
    // Act
    port.rotationStep('testSecret', 'failure', 42);
    port.drillFinished('eu-west-1', 0);
    // Assess
    expect(emfDatapoints(output)).toEqual([
      {
        namespace: 'Rotasync',
        name: 'RotationStepDuration',
        unit: 'Milliseconds',
        value: 42,
        dimensions: { service: 'rotasync', Step: 'testSecret', Outcome: 'failure' },
      },
      {
        namespace: 'Rotasync',
        name: 'RotationStepFailed',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'rotasync', Step: 'testSecret' },
      },
      {
        namespace: 'Rotasync',
        name: 'DrillProblems',
        unit: 'Count',
        value: 0,
        dimensions: { service: 'rotasync', Region: 'eu-west-1' },
      },
    ]);
  });

  it('never turns a string that is not a Region name into a Region dimension', () => {
    // Prepare
    const port = metrics();
    // Act
    port.replicationFailed('arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf');
    // Assess
    expect(emfDatapoints(output).map((point) => point.dimensions)).toEqual([
      { service: 'rotasync', Region: 'unknown' },
    ]);
    expect(output.join('')).not.toContain('secretsmanager');
  });

  it("writes one line per metric, so none inherits another's dimensions", () => {
    // Prepare
    const port = metrics();
    // Act
    port.replicaWritten('us-west-2', 250);
    port.rotationSucceeded();
    // Assess
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"_aws"'));
    expect(lines).toHaveLength(2);
    expect(emfDatapoints(output).map((point) => [point.name, point.dimensions])).toEqual([
      ['ReplicationLag', { service: 'rotasync', Region: 'us-west-2' }],
      ['RotationSucceeded', { service: 'rotasync' }],
    ]);
  });
});
