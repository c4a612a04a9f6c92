import { describe, expect, it } from 'vitest';
import { createFaultController } from '#local-cloud/faults.js';
import { quotaGroupOf, SECRETS_MANAGER_QUOTAS } from '#local-cloud/request-quotas.js';

/** A clock that moves only when told. */
const manualClock = () => {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const outcomes = (decide: () => { error?: { code: string } | undefined }, count: number) =>
  Array.from({ length: count }, () => decide().error?.code ?? 'ok');

const countOf = (codes: readonly string[], code: string) =>
  codes.filter((entry) => entry === code).length;

describe('request-rate quotas', () => {
  it('groups the operations as the service quotas do', () => {
    // Assess
    expect(quotaGroupOf('GetSecretValue')?.perSecond).toBe(10_000);
    expect(quotaGroupOf('DescribeSecret')?.perSecond).toBe(40_000);
    expect(quotaGroupOf('BatchGetSecretValue')?.perSecond).toBe(100);
    expect(quotaGroupOf('ListSecrets')?.perSecond).toBe(100);
    for (const op of ['PutSecretValue', 'UpdateSecret', 'UpdateSecretVersionStage']) {
      expect(quotaGroupOf(op)?.name, op).toBe('writes');
    }
    expect(quotaGroupOf('writes')).toBeUndefined();
    expect(quotaGroupOf('constructor')).toBeUndefined();
    const operations = SECRETS_MANAGER_QUOTAS.flatMap((group) => group.operations);
    expect(new Set(operations).size).toBe(operations.length);
  });

  it('is off unless asked for', () => {
    // Prepare
    const clock = manualClock();
    const faults = createFaultController(() => 1, clock.now);
    // Act
    const codes = outcomes(() => faults.decide('PutSecretValue', 'us-east-1'), 500);
    // Assess
    expect(countOf(codes, 'ok')).toBe(500);
  });

  it('lets 50 writes a second through per Region, the whole write group sharing them', () => {
    // Prepare
    const clock = manualClock();
    const faults = createFaultController(() => 1, clock.now);
    faults.set({ requestQuota: {} });
    // Act: a burst of 40 PutSecretValue and 20 UpdateSecretVersionStage at one instant.
    const puts = outcomes(() => faults.decide('PutSecretValue', 'us-east-1'), 40);
    const stages = outcomes(() => faults.decide('UpdateSecretVersionStage', 'us-east-1'), 20);
    const reads = outcomes(() => faults.decide('GetSecretValue', 'us-east-1'), 200);
    const elsewhere = outcomes(() => faults.decide('PutSecretValue', 'us-west-2'), 50);
    clock.advance(20);
    const after20ms = outcomes(() => faults.decide('UpdateSecret', 'us-east-1'), 2);
    // Assess
    expect(countOf(puts, 'ok')).toBe(40);
    expect(countOf(stages, 'ok')).toBe(10);
    expect(countOf(stages, 'ThrottlingException')).toBe(10);
    expect(countOf(reads, 'ok')).toBe(200);
    expect(countOf(elsewhere, 'ok')).toBe(50);
    expect(after20ms).toEqual(['ok', 'ThrottlingException']);
  });

  it('answers ThrottlingException with HTTP 400, as the service does', () => {
    // Prepare
    const faults = createFaultController(() => 1, manualClock().now);
    faults.set({ requestQuota: { scale: 0.01 } });
    // Act
    const first = faults.decide('ListSecrets', 'us-east-1');
    const second = faults.decide('ListSecrets', 'us-east-1');
    // Assess
    expect(first.error).toBeUndefined();
    expect(second.error).toEqual({
      code: 'ThrottlingException',
      status: 400,
      message: 'Rate exceeded',
    });
  });

  it('scales every quota by the scale knob', () => {
    // Prepare: a tenth of the service's rates.
    const clock = manualClock();
    const faults = createFaultController(() => 1, clock.now);
    faults.set({ requestQuota: { scale: 0.1 } });
    // Act
    const burst = outcomes(() => faults.decide('BatchGetSecretValue', 'us-east-1'), 20);
    clock.advance(1000);
    const nextSecond = outcomes(() => faults.decide('BatchGetSecretValue', 'us-east-1'), 20);
    // Assess: 10 a second, a burst of at most one second's worth.
    expect(countOf(burst, 'ok')).toBe(10);
    expect(countOf(nextSecond, 'ok')).toBe(10);
  });

  it('applies to one Region when set for that Region only, and clears', () => {
    // Prepare
    const clock = manualClock();
    const faults = createFaultController(() => 1, clock.now);
    faults.set({ requestQuota: { scale: 0.02 } }, 'eu-central-1');
    // Act
    const there = outcomes(() => faults.decide('PutSecretValue', 'eu-central-1'), 3);
    const here = outcomes(() => faults.decide('PutSecretValue', 'us-east-1'), 3);
    faults.clear();
    const cleared = outcomes(() => faults.decide('PutSecretValue', 'eu-central-1'), 3);
    // Assess
    expect(there).toEqual(['ok', 'ThrottlingException', 'ThrottlingException']);
    expect(here).toEqual(['ok', 'ok', 'ok']);
    expect(cleared).toEqual(['ok', 'ok', 'ok']);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses scale %s', (scale) => {
    // Act
    const attempt = () => createFaultController().set({ requestQuota: { scale } });
    // Assess
    expect(attempt).toThrow(RangeError);
  });
});
