/**
 * Rotation rules: validation and NextRotationDate. The schedule rules themselves are Secrets
 * Manager's, read by #shared/rotation-schedule.ts (which `rotasync enroll` uses too); this module
 * adds the model's constraints and the service's error codes.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 * - `AutomaticallyAfterDays` 1..1000, or `ScheduleExpression`, not both;
 * - `rate(N hours|days)`, at least every 4 hours, at most every 1000 days;
 * - `cron(0 H DoM Mon DoW *)` in UTC: minutes must be 0, year `*`, one of DoM/DoW `?`;
 * - `Duration` `Nh` (1..24), not longer than the schedule's interval nor past the UTC day.
 */
import {
  checkRotationWindow,
  everyDays,
  parseScheduleExpression as parseRules,
  type Schedule,
} from '#shared/rotation-schedule.js';
import { invalidParameter } from './errors.js';
import type { RotationRules } from './model.js';
import { checkLength, checkPattern, checkRange } from './validate.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Checks RotationRules as RotateSecret receives them and returns them typed. A member outside the
 * model's constraints (AutomaticallyAfterDays 1..1000, Duration 2..3 characters matching
 * `[0-9]+h`, ScheduleExpression 1..256 characters) is ValidationException; a broken service rule
 * is InvalidParameterException naming it.
 */
export const validateRotationRules = (input: unknown): RotationRules => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidParameter('RotationRules must be an object.');
  }
  const {
    AutomaticallyAfterDays: days,
    ScheduleExpression: expr,
    Duration: duration,
  } = input as Record<string, unknown>;
  if (days !== undefined && expr !== undefined) {
    throw invalidParameter(
      'You can specify either AutomaticallyAfterDays or ScheduleExpression in RotationRules, not both.',
    );
  }
  if (days === undefined && expr === undefined) {
    throw invalidParameter('RotationRules needs AutomaticallyAfterDays or ScheduleExpression.');
  }
  const rules: { AutomaticallyAfterDays?: number; ScheduleExpression?: string; Duration?: string } =
    {};
  let schedule: Schedule;
  if (days !== undefined) {
    if (typeof days !== 'number' || !Number.isInteger(days)) {
      throw invalidParameter('AutomaticallyAfterDays must be an integer.');
    }
    checkRange('RotationRules.AutomaticallyAfterDays', days, 1, 1000);
    rules.AutomaticallyAfterDays = days;
    schedule = everyDays(days);
  } else {
    if (typeof expr !== 'string') throw invalidParameter('ScheduleExpression must be a string.');
    checkLength('RotationRules.ScheduleExpression', expr, expr.length, { min: 1, max: 256 });
    // Smithy patterns are not anchored: the model asks for one allowed character somewhere.
    checkPattern('RotationRules.ScheduleExpression', expr, /[0-9A-Za-z()#?*\-/, ]+/);
    schedule = parseScheduleExpression(expr);
    rules.ScheduleExpression = expr;
  }
  if (duration !== undefined) {
    if (typeof duration !== 'string')
      throw invalidParameter('Duration must be a string like "3h".');
    checkLength('RotationRules.Duration', duration, duration.length, { min: 2, max: 3 });
    checkPattern('RotationRules.Duration', duration, /[0-9]+h/);
    validateDuration(duration, schedule);
    rules.Duration = duration;
  }
  return rules;
};

/** Parses `rate(...)` or `cron(...)`; throws InvalidParameterException. */
const parseScheduleExpression = (expression: string): Schedule => {
  const parsed = parseRules(expression);
  if (!parsed.ok) throw invalidParameter(parsed.problem);
  return parsed.value;
};

const validateDuration = (duration: string, schedule: Schedule): void => {
  const checked = checkRotationWindow(duration, schedule);
  if (!checked.ok) throw invalidParameter(checked.problem);
};

/**
 * NextRotationDate in epoch ms. Choice: interval schedules count from the last rotation (or from
 * when rotation was configured), with no random placement inside the window; cron schedules give
 * the first matching hour after `now`. The local cloud does not start scheduled rotations itself.
 */
export const nextRotationDate = (
  rules: RotationRules,
  base: number,
  now: number,
): number | undefined => {
  const schedule =
    rules.ScheduleExpression !== undefined
      ? parseScheduleExpression(rules.ScheduleExpression)
      : rules.AutomaticallyAfterDays !== undefined
        ? everyDays(rules.AutomaticallyAfterDays)
        : undefined;
  if (schedule === undefined) return undefined;
  if (schedule.kind === 'interval') return base + schedule.everyMs;
  const startOfDay = Math.floor(now / DAY_MS) * DAY_MS;
  // Five years of days covers any satisfiable expression (Feb 29 included).
  for (let day = 0; day < 5 * 366 + 1; day += 1) {
    const dayStart = startOfDay + day * DAY_MS;
    if (!schedule.matchesDay(new Date(dayStart))) continue;
    for (const hour of schedule.hours) {
      const at = dayStart + hour * HOUR_MS;
      if (at > now) return at;
    }
  }
  return undefined;
};
