/**
 * Secrets Manager's rules for rotation schedules, as pure functions: one reading shared by the
 * `rotasync enroll` command (which refuses a bad schedule before any AWS call) and the local
 * cloud's RotateSecret (which answers InvalidParameterException with the same words).
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 * - `rate(N hours|days)`: at least every 4 hours, at most every 1000 days;
 * - `cron(0 H DoM Mon DoW *)` in UTC: minutes must be 0, year `*`, exactly one of DoM/DoW `?`;
 * - `Duration` `Nh` (1..24): not longer than the interval of an hours rate, nor past the UTC day
 *   for a cron schedule.
 */

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

/** A reading that either succeeded or names the broken rule (in the service's words). */
export type ScheduleReading<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

/** Thrown inside this module only, and turned into a `{ ok: false }` reading at its edge. */
class BrokenRule extends Error {
  public constructor(problem: string) {
    super(problem);
    this.name = 'BrokenRule';
  }
}

const reading = <T>(read: () => T): ScheduleReading<T> => {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof BrokenRule) return { ok: false, problem: error.message };
    throw error;
  }
};

/**
 * Reads `rate(...)` or `cron(...)` as Secrets Manager does.
 * @example parseScheduleExpression('rate(30 days)') // { ok: true, value: { kind: 'interval', ... } }
 */
export const parseScheduleExpression = (expression: string): ScheduleReading<Schedule> =>
  reading(() => parseOrThrow(expression));

/** The interval every `AutomaticallyAfterDays` days stands for. */
export const everyDays = (days: number): Schedule => ({
  kind: 'interval',
  everyMs: days * DAY_MS,
  days: true,
});

/**
 * Checks a rotation window (`Duration`, e.g. `2h`) against its schedule; resolves its hours.
 * @example checkRotationWindow('2h', schedule) // { ok: true, value: 2 }
 */
export const checkRotationWindow = (
  duration: string,
  schedule: Schedule,
): ScheduleReading<number> =>
  reading(() => {
    const match = /^(\d+)h$/.exec(duration);
    const hours = Number(match?.[1]);
    if (match === null || hours < 1 || hours > 24) {
      throw new BrokenRule('Duration must be between 1h and 24h, written like "3h".');
    }
    if (schedule.kind === 'interval' && !schedule.days && hours * HOUR_MS > schedule.everyMs) {
      throw new BrokenRule(
        'The rotation window (Duration) must not extend into the next rotation window.',
      );
    }
    if (schedule.kind === 'cron' && schedule.hours.some((start) => start + hours > 24)) {
      throw new BrokenRule('The rotation window (Duration) must not extend into the next UTC day.');
    }
    return hours;
  });

/**
 * How long the rotation window stays open after it starts, in ms: `Duration` when given, else as
 * the service documents it, one hour for a schedule in hours and the rest of the UTC day for a
 * schedule in days (`start` is when the window opens).
 */
export const rotationWindowMs = (
  schedule: Schedule,
  duration: string | undefined,
  start: number,
): number => {
  const hours = duration === undefined ? undefined : Number(/^(\d+)h$/.exec(duration)?.[1]);
  if (hours !== undefined && Number.isFinite(hours)) return hours * HOUR_MS;
  const inHours =
    (schedule.kind === 'interval' && !schedule.days) ||
    (schedule.kind === 'cron' && schedule.hours.length > 1);
  if (inHours) return HOUR_MS;
  const endOfDay = (Math.floor(start / DAY_MS) + 1) * DAY_MS;
  return endOfDay - start;
};

const parseOrThrow = (expression: string): Schedule => {
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(expression);
  if (rate !== null) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (unit.startsWith('hour')) {
      if (n < 4 || n > 1000 * 24) {
        throw new BrokenRule(
          'A rate in hours must be at least 4 hours (rotation every 4 hours at most).',
        );
      }
      return { kind: 'interval', everyMs: n * HOUR_MS, days: false };
    }
    if (n < 1 || n > 1000) throw new BrokenRule('A rate in days must be between 1 and 1000 days.');
    return { kind: 'interval', everyMs: n * DAY_MS, days: true };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron === null) {
    throw new BrokenRule(
      `Invalid ScheduleExpression "${expression}": use rate(N hours|days) or cron(0 H DoM Mon DoW *).`,
    );
  }
  return parseCron((cron[1] ?? '').trim());
};

const parseCron = (body: string): Schedule => {
  const fields = body.split(/\s+/);
  if (fields.length !== 6) {
    throw new BrokenRule(
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
    throw new BrokenRule('The minutes field of a rotation cron expression must be 0.');
  if (year !== '*') throw new BrokenRule('The year field of a rotation cron expression must be *.');
  if ((dom === '?') === (dow === '?')) {
    throw new BrokenRule(
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
      throw new BrokenRule(`Invalid ${what} value "${token}" in the cron expression.`);
    }
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [rangeText = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new BrokenRule(`Invalid step in the ${what} field of the cron expression.`);
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
      throw new BrokenRule(`Invalid range in the ${what} field of the cron expression.`);
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
