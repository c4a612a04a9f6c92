import { describe, expect, it } from 'vitest';
import {
  checkRotationWindow,
  everyDays,
  parseScheduleExpression,
  rotationWindowMs,
  type Schedule,
} from '#shared/rotation-schedule.js';

const HOUR = 3_600_000;

const schedule = (expression: string): Schedule => {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
};

describe('parseScheduleExpression', () => {
  it('reads rates and crons, and names the broken rule otherwise', () => {
    // Act
    const readings = [
      'rate(4 hours)',
      'rate(30 days)',
      'cron(0 4 ? * SUN *)',
      'rate(3 hours)',
      'rate(1001 days)',
      'cron(30 4 * * ? *)',
      'every day',
    ].map((expression) => {
      const parsed = parseScheduleExpression(expression);
      return parsed.ok ? 'ok' : parsed.problem;
    });

    // Assess
    expect(readings).toEqual([
      'ok',
      'ok',
      'ok',
      'A rate in hours must be at least 4 hours (rotation every 4 hours at most).',
      'A rate in days must be between 1 and 1000 days.',
      'The minutes field of a rotation cron expression must be 0.',
      'Invalid ScheduleExpression "every day": use rate(N hours|days) or cron(0 H DoM Mon DoW *).',
    ]);
  });
});

describe('checkRotationWindow', () => {
  it('accepts a window inside the schedule and refuses one that overruns it', () => {
    expect(checkRotationWindow('2h', schedule('rate(30 days)'))).toEqual({ ok: true, value: 2 });
    expect(checkRotationWindow('5h', schedule('rate(4 hours)'))).toMatchObject({ ok: false });
    expect(checkRotationWindow('3h', schedule('cron(0 22 * * ? *)'))).toMatchObject({
      ok: false,
      problem: 'The rotation window (Duration) must not extend into the next UTC day.',
    });
    expect(checkRotationWindow('25h', everyDays(3))).toMatchObject({ ok: false });
  });
});

describe('rotationWindowMs', () => {
  const tenPast = Date.UTC(2026, 0, 10, 10, 0, 0);

  it('is the Duration when the rules give one', () => {
    expect(rotationWindowMs(schedule('rate(30 days)'), '2h', tenPast)).toBe(2 * HOUR);
  });

  it('is one hour for a schedule in hours', () => {
    expect(rotationWindowMs(schedule('rate(6 hours)'), undefined, tenPast)).toBe(HOUR);
    expect(rotationWindowMs(schedule('cron(0 0,12 * * ? *)'), undefined, tenPast)).toBe(HOUR);
  });

  it('runs to the end of the UTC day for a schedule in days', () => {
    expect(rotationWindowMs(schedule('rate(30 days)'), undefined, tenPast)).toBe(14 * HOUR);
    expect(rotationWindowMs(schedule('cron(0 10 ? * MON *)'), undefined, tenPast)).toBe(14 * HOUR);
    expect(rotationWindowMs(everyDays(7), undefined, tenPast)).toBe(14 * HOUR);
  });
});
