import { describe, expect, it } from 'vitest';
import { createFaultController } from '#local-cloud/faults.js';

describe('createFaultController: faults for one Region', () => {
  it('failNext with a Region fails only that Region, then stops', () => {
    // Prepare
    const faults = createFaultController(() => 0.5);
    faults.failNext('PutSecretValue', 1, 'InternalServiceError', 'eu-central-1');

    // Act
    const elsewhere = faults.decide('PutSecretValue', 'us-west-2');
    const unknownRegion = faults.decide('PutSecretValue');
    const there = faults.decide('PutSecretValue', 'eu-central-1');
    const thereAgain = faults.decide('PutSecretValue', 'eu-central-1');

    // Assess
    expect(elsewhere.error).toBeUndefined();
    expect(unknownRegion.error).toBeUndefined();
    expect(there.error?.status).toBe(500);
    expect(thereAgain.error).toBeUndefined();
  });

  it('failNext without a Region still fails every Region (the old signature)', () => {
    // Prepare
    const faults = createFaultController(() => 0.5);
    faults.failNext('GetSecretValue', 2, 'ThrottlingException');

    // Act
    const outcomes = [
      faults.decide('GetSecretValue', 'us-east-1'),
      faults.decide('GetSecretValue', 'eu-central-1'),
      faults.decide('GetSecretValue', 'us-east-1'),
    ];

    // Assess
    expect(outcomes.map((outcome) => outcome.error?.code)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      undefined,
    ]);
  });

  it('rates set for a Region apply there only; clear removes them', () => {
    // Prepare
    const faults = createFaultController(() => 0.5);
    faults.set({ serverErrorRate: 1 }, 'eu-central-1');

    // Act
    const there = faults.decide('DescribeSecret', 'eu-central-1');
    const elsewhere = faults.decide('DescribeSecret', 'us-east-1');
    faults.clear();
    const afterClear = faults.decide('DescribeSecret', 'eu-central-1');

    // Assess
    expect(there.error?.code).toBe('InternalServiceError');
    expect(elsewhere.error).toBeUndefined();
    expect(afterClear.error).toBeUndefined();
  });
});
