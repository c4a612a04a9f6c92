/**
 * Rotation rules: validation and NextRotationDate.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 * - `AutomaticallyAfterDays` 1..1000, or `ScheduleExpression`, not both;
 * - `rate(N hours|days)`, at least every 4 hours, at most every 1000 days;
 * - `cron(0 H DoM Mon DoW *)` in UTC: minutes must be 0, year `*`, one of DoM/DoW `?`;
 * - `Duration` `Nh` (1..24), not longer than the schedule's interval nor past the UTC day.
 */
import { invalidParameter } from './errors.js';
import type { RotationRules } from './model.js';
import { checkLength, checkPattern, checkRange } from './validate.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A parsed schedule: a fixed interval, or a cron matcher. */
export type Schedule =
  | { readonly kind: 'interval'; readonly everyMs: number; readonly days: boolean }
  | {
      readonly kind: 'cron';
      readonly hours: readonly number[];
      readonly matchesDay: (d: Date) => boolean;
    };

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
    schedule = { kind: 'interval', everyMs: days * DAY_MS, days: true };
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
export const parseScheduleExpression = (expression: string): Schedule => {
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(expression);
  if (rate !== null) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (unit.startsWith('hour')) {
      if (n < 4 || n > 1000 * 24) {
        throw invalidParameter(
          'A rate in hours must be at least 4 hours (rotation every 4 hours at most).',
        );
      }
      return { kind: 'interval', everyMs: n * HOUR_MS, days: false };
    }
    if (n < 1 || n > 1000)
      throw invalidParameter('A rate in days must be between 1 and 1000 days.');
    return { kind: 'interval', everyMs: n * DAY_MS, days: true };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron === null) {
    throw invalidParameter(
      `Invalid ScheduleExpression "${expression}": use rate(N hours|days) or cron(0 H DoM Mon DoW *).`,
    );
  }
  return parseCron((cron[1] ?? '').trim());
};

const parseCron = (body: string): Schedule => {
  const fields = body.split(/\s+/);
  if (fields.length !== 6) {
    throw invalidParameter(
      'A cron expression has six fields: minutes hours day-of-month month day-of-week year.',
    );
  }
  const [minutes, hours, dom, month, dow, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (minutes !== '0')
    throw invalidParameter('The minutes field of a rotation cron expression must be 0.');
  if (year !== '*')
    throw invalidParameter('The year field of a rotation cron expression must be *.');
  if ((dom === '?') === (dow === '?')) {
    throw invalidParameter(
      'A cron expression needs ? in exactly one of day-of-month and day-of-week.',
    );
  }
  const hourSet = [...parseList(hours, 0, 23, undefined, 'hours')].sort((a, b) => a - b);
  const monthSet = parseList(month, 1, 12, MONTHS, 'month');
  const dayMatcher = dom === '?' ? parseDayOfWeek(dow) : parseDayOfMonth(dom);
  return {
    kind: 'cron',
    hours: hourSet,
    matchesDay: (d) => monthSet.has(d.getUTCMonth() + 1) && dayMatcher(d),
  };
};

/** Numbers, names, `*`, ranges `a-b`, steps `x/n`, lists `a,b`. */
const parseList = (
  text: string,
  min: number,
  max: number,
  names: readonly string[] | undefined,
  what: string,
): Set<number> => {
  const value = (token: string): number => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      throw invalidParameter(`Invalid ${what} value "${token}" in the cron expression.`);
    }
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [rangeText = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw invalidParameter(`Invalid step in the ${what} field of the cron expression.`);
    }
    let from: number;
    let to: number;
    if (rangeText === '*') {
      from = min;
      to = max;
    } else if (rangeText.includes('-')) {
      const [a = '', b = ''] = rangeText.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(rangeText);
      to = stepText === undefined ? from : max;
    }
    if (from > to)
      throw invalidParameter(`Invalid range in the ${what} field of the cron expression.`);
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
};

const daysInMonth = (d: Date): number =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();

const parseDayOfMonth = (text: string): ((d: Date) => boolean) => {
  if (text === 'L') return (d) => d.getUTCDate() === daysInMonth(d);
  // `nW` (nearest weekday) is matched as day n: close enough for a reported date.
  const days = parseList(text.replace(/W$/, ''), 1, 31, undefined, 'day-of-month');
  return (d) => days.has(d.getUTCDate());
};

const parseDayOfWeek = (text: string): ((d: Date) => boolean) => {
  // AWS numbers weekdays 1 (SUN) .. 7 (SAT).
  const weekday = (d: Date): number => d.getUTCDay() + 1;
  const nth = /^(\w+)#([1-5])$/.exec(text);
  if (nth !== null) {
    const day = [...parseList(nth[1] ?? '', 1, 7, WEEKDAYS, 'day-of-week')][0];
    const k = Number(nth[2]);
    return (d) => weekday(d) === day && Math.ceil(d.getUTCDate() / 7) === k;
  }
  const last = /^(\w+)L$/.exec(text);
  if (last !== null) {
    const day = [...parseList(last[1] ?? '', 1, 7, WEEKDAYS, 'day-of-week')][0];
    return (d) => weekday(d) === day && d.getUTCDate() + 7 > daysInMonth(d);
  }
  const days = parseList(text, 1, 7, WEEKDAYS, 'day-of-week');
  return (d) => days.has(weekday(d));
};

const validateDuration = (duration: string, schedule: Schedule): void => {
  const match = /^(\d+)h$/.exec(duration);
  const hours = Number(match?.[1]);
  if (match === null || hours < 1 || hours > 24) {
    throw invalidParameter('Duration must be between 1h and 24h, written like "3h".');
  }
  if (schedule.kind === 'interval' && !schedule.days && hours * HOUR_MS > schedule.everyMs) {
    throw invalidParameter(
      'The rotation window (Duration) must not extend into the next rotation window.',
    );
  }
  if (schedule.kind === 'cron' && schedule.hours.some((start) => start + hours > 24)) {
    throw invalidParameter('The rotation window (Duration) must not extend into the next UTC day.');
  }
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
        ? ({
            kind: 'interval',
            everyMs: rules.AutomaticallyAfterDays * DAY_MS,
            days: true,
          } as const)
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
