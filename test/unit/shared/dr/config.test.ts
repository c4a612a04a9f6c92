import { describe, expect, it } from 'vitest';
import { readDefaultRotationRules } from '#shared/dr/config.js';
import { ConfigurationError } from '#shared/errors.js';

describe('readDefaultRotationRules', () => {
  it('defaults to rate(30 days)', () => {
    // Act
    const rules = readDefaultRotationRules({});
    // Assess
    expect(rules).toEqual({ scheduleExpression: 'rate(30 days)' });
  });

  it.each(['rate(7 days)', 'rate(4 hours)', 'cron(0 4 ? * SUN *)', ' rate(90 days) '])(
    'takes %j, a schedule Secrets Manager accepts',
    (expression) => {
      // Act
      const rules = readDefaultRotationRules({ ROTASYNC_FAILOVER_ROTATION_SCHEDULE: expression });
      // Assess
      expect(rules).toEqual({ scheduleExpression: expression.trim() });
    },
  );

  // Each has the shape rate(...) or cron(...), but RotateSecret would refuse it at failover time.
  it.each([
    ['rate(3 hours)', /at least 4 hours/],
    ['rate(1001 days)', /1000 days/],
    ['rate(soon)', /use rate\(N hours\|days\) or cron/],
    ['cron(15 4 * * ? *)', /minutes field .* must be 0/],
    ['cron(0 4 * * * *)', /\? in exactly one of day-of-month and day-of-week/],
  ])('refuses %j at cold start, naming the variable and the rule', (expression, rule) => {
    // Act
    const read = () =>
      readDefaultRotationRules({ ROTASYNC_FAILOVER_ROTATION_SCHEDULE: expression });
    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(/ROTASYNC_FAILOVER_ROTATION_SCHEDULE/);
    expect(read).toThrow(rule);
  });

  it('refuses what is no rate or cron expression', () => {
    // Act
    const read = () => readDefaultRotationRules({ ROTASYNC_FAILOVER_ROTATION_SCHEDULE: '30 days' });
    // Assess
    expect(read).toThrow(ConfigurationError);
  });
});
