import { describe, expect, it } from 'vitest';
import { nextRotationDate, validateRotationRules } from '#local-cloud/secrets-manager/schedule.js';

const codeOf = (rules: unknown): string => {
  try {
    validateRotationRules(rules);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe('validateRotationRules', () => {
  it('accepts the documented forms', () => {
    // Act
    const results = [
      { AutomaticallyAfterDays: 1 },
      { AutomaticallyAfterDays: 1000 },
      { ScheduleExpression: 'rate(4 hours)' },
      { ScheduleExpression: 'rate(10 days)', Duration: '3h' },
      { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' },
      { ScheduleExpression: 'cron(0 8 ? * SUN-THU *)' },
      { ScheduleExpression: 'cron(0 2 ? * 6#1 *)' },
      { ScheduleExpression: 'cron(0 2 L * ? *)' },
    ].map(codeOf);
    // Assess
    expect(results).toEqual(Array(8).fill('ok'));
  });

  it('rejects values outside the model constraints with ValidationException', () => {
    // Act
    const results = [
      { AutomaticallyAfterDays: 0 },
      { AutomaticallyAfterDays: 1001 },
      { AutomaticallyAfterDays: 3, Duration: '3 hours' },
      { AutomaticallyAfterDays: 3, Duration: '33' },
      { ScheduleExpression: 'r'.repeat(257) },
    ].map(codeOf);
    // Assess
    expect(results).toEqual(Array(5).fill('ValidationException'));
  });

  it('rejects each documented rule violation with InvalidParameterException', () => {
    // Act
    const results = [
      { AutomaticallyAfterDays: 5, ScheduleExpression: 'rate(5 days)' },
      {},
      { ScheduleExpression: 'rate(3 hours)' },
      { ScheduleExpression: 'rate(1 week)' },
      { ScheduleExpression: 'cron(30 16 * * ? *)' },
      { ScheduleExpression: 'cron(0 16 * * ? 2027)' },
      { ScheduleExpression: 'cron(0 16 * * * *)' },
      { ScheduleExpression: 'cron(0 25 * * ? *)' },
      { ScheduleExpression: 'rate(4 hours)', Duration: '5h' },
      { ScheduleExpression: 'cron(0 22 * * ? *)', Duration: '3h' },
      { AutomaticallyAfterDays: 3, Duration: '25h' },
    ].map(codeOf);
    // Assess
    expect(results).toEqual(Array(11).fill('InvalidParameterException'));
  });
});

describe('nextRotationDate', () => {
  const base = Date.UTC(2026, 0, 1, 10);

  it('adds the interval to the last rotation', () => {
    // Act
    const days = nextRotationDate({ AutomaticallyAfterDays: 30 }, base, base);
    const hours = nextRotationDate({ ScheduleExpression: 'rate(6 hours)' }, base, base);
    // Assess
    expect(days).toBe(Date.UTC(2026, 0, 31, 10));
    expect(hours).toBe(Date.UTC(2026, 0, 1, 16));
  });

  it('finds the next matching hour of a cron expression in UTC', () => {
    // Act
    const sameDay = nextRotationDate({ ScheduleExpression: 'cron(0 16 * * ? *)' }, base, base);
    const monday = nextRotationDate({ ScheduleExpression: 'cron(0 8 ? * MON *)' }, base, base);
    const firstOfMonth = nextRotationDate({ ScheduleExpression: 'cron(0 4 1 * ? *)' }, base, base);
    // Assess
    expect(sameDay).toBe(Date.UTC(2026, 0, 1, 16));
    expect(monday).toBe(Date.UTC(2026, 0, 5, 8)); // 2026-01-01 is a Thursday
    expect(firstOfMonth).toBe(Date.UTC(2026, 1, 1, 4));
  });
});
