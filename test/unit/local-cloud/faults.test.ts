import { describe, expect, it } from 'vitest';
import { createFaultController } from '#local-cloud/faults.js';
import { createRequestLog } from '#local-cloud/request-log.js';

describe('fault controller', () => {
  it('fails exactly the next N calls of the named operation', () => {
    // Prepare
    const faults = createFaultController(() => 0.99);
    faults.failNext('PutSecretValue', 2);
    // Act
    const codes = ['PutSecretValue', 'GetSecretValue', 'PutSecretValue', 'PutSecretValue'].map(
      (op) => faults.decide(op).error?.code ?? 'ok',
    );
    // Assess
    expect(codes).toEqual(['InternalServiceError', 'ok', 'InternalServiceError', 'ok']);
  });

  it('answers ThrottlingException with HTTP 400 and server errors with 500, at their rates', () => {
    // Prepare
    const draws = [0.1, 0.9, 0.2];
    const faults = createFaultController(() => draws.shift() ?? 1);
    faults.set({ throttleRate: 0.5, serverErrorRate: 0.5, latencyMs: 7 });
    // Act
    const first = faults.decide('GetSecretValue');
    const second = faults.decide('GetSecretValue');
    // Assess
    expect(first).toEqual({
      latencyMs: 7,
      error: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    });
    expect(second.error).toMatchObject({ code: 'InternalServiceError', status: 500 });
  });

  it('uses the error code given to failNext and forgets everything on clear', () => {
    // Prepare
    const faults = createFaultController(() => 0);
    faults.set({ throttleRate: 1 });
    faults.failNext('DescribeSecret', 1, 'ResourceNotFoundException');
    // Act
    const named = faults.decide('DescribeSecret').error;
    faults.clear();
    const cleared = faults.decide('DescribeSecret').error;
    // Assess
    expect(named).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
    expect(cleared).toBeUndefined();
  });

  it('rejects rates outside 0..1', () => {
    // Act
    const attempt = () => createFaultController().set({ throttleRate: 2 });
    // Assess
    expect(attempt).toThrow(RangeError);
  });
});

describe('request log', () => {
  it('keeps entries in order and drops the oldest beyond its capacity', () => {
    // Prepare
    const log = createRequestLog(2);
    const entry = (operation: string) => ({
      service: 'secretsmanager' as const,
      operation,
      region: 'us-east-1',
      caller: undefined,
      secretId: undefined,
      outcome: 'ok',
      durationMs: 0.1,
      startedAt: new Date(0),
    });
    // Act
    for (const op of ['a', 'b', 'c', 'd', 'e']) log.record(entry(op));
    const kept = log.entries().map((e) => e.operation);
    log.clear();
    // Assess
    expect(kept).toEqual(['d', 'e']);
    expect(log.entries()).toEqual([]);
  });
});
