/**
 * EventBridge event pattern matching, for the subset Rotasync's rules use: exact values,
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (values or a prefix), `exists`, and
 * nested keys. Arrays in the event match when any element matches.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */

/** One matcher in a pattern's value list. */
export type PatternRule =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string }
  | {
      readonly 'anything-but':
        | string
        | number
        | readonly (string | number)[]
        | { readonly prefix: string };
    }
  | { readonly exists: boolean };

/** An event pattern: keys map to nested patterns or to lists of rules. */
export interface EventPattern {
  readonly [key: string]: EventPattern | readonly PatternRule[];
}

type Scalar = string | number | boolean | null;

const isScalar = (value: unknown): value is Scalar =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

const ruleMatchesScalar = (rule: PatternRule, value: Scalar): boolean => {
  if (isScalar(rule)) return rule === value;
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(rule.prefix);
  if ('suffix' in rule) return typeof value === 'string' && value.endsWith(rule.suffix);
  if ('equals-ignore-case' in rule) {
    return (
      typeof value === 'string' && value.toLowerCase() === rule['equals-ignore-case'].toLowerCase()
    );
  }
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (typeof but === 'object' && !Array.isArray(but)) {
      return !(typeof value === 'string' && value.startsWith((but as { prefix: string }).prefix));
    }
    const values: readonly Scalar[] = Array.isArray(but) ? but : [but as Scalar];
    return !values.includes(value);
  }
  return 'exists' in rule && rule.exists;
};

const ruleMatches = (rule: PatternRule, value: unknown): boolean => {
  if (typeof rule === 'object' && rule !== null && 'exists' in rule) {
    return rule.exists === (value !== undefined);
  }
  // Apart from `exists: false`, no rule matches a missing field.
  if (value === undefined) return false;
  if (Array.isArray(value))
    return value.some((item) => isScalar(item) && ruleMatchesScalar(rule, item));
  return isScalar(value) && ruleMatchesScalar(rule, value);
};

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;

/** True when `event` matches every key of `pattern`. */
export const matchesPattern = (pattern: EventPattern, event: unknown): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    const value = field(event, key);
    if (Array.isArray(expected)) {
      return (expected as readonly PatternRule[]).some((rule) => ruleMatches(rule, value));
    }
    const nested = expected as EventPattern;
    if (Array.isArray(value)) return value.some((item) => matchesPattern(nested, item));
    return typeof value === 'object' && value !== null && matchesPattern(nested, value);
  });
