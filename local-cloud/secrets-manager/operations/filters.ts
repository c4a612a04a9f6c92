/**
 * ListSecrets / BatchGetSecretValue filters.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Filter.html
 * - name, tag-key, tag-value, primary-region, owning-service: prefix match, case-sensitive;
 * - description: prefix match, not case-sensitive;
 * - all: the value is split into words, each matched as a word prefix anywhere, not case-sensitive;
 * - a value starting with `!` negates.
 * Choice (the docs are silent on combining): values of one filter are OR-ed, a negated value
 * excludes every secret it matches, and separate filters are AND-ed.
 */
import { invalidParameter } from '#local-cloud/secrets-manager/errors.js';
import type { SecretRecord } from '#local-cloud/secrets-manager/model.js';
import {
  checkLength,
  checkPattern,
  enumViolation,
  type RequestBody,
} from '#local-cloud/secrets-manager/validate.js';

export type FilterKey =
  | 'description'
  | 'name'
  | 'tag-key'
  | 'tag-value'
  | 'primary-region'
  | 'owning-service'
  | 'all';

export interface Filter {
  readonly Key: FilterKey;
  readonly Values: readonly string[];
}

const KEYS: readonly string[] = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
];
const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

/** The `Filters` field, validated (up to 10 filters of 1..10 values); `undefined` when absent. */
export const filtersOf = (body: RequestBody): Filter[] | undefined => {
  const value = body.Filters;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter('Filters must be a list of {Key, Values}.');
  checkLength('Filters', '[…]', value.length, { max: 10 });
  return value.map((item: unknown, index) => {
    const member = `Filters.${index + 1}.member`;
    const filter = (typeof item === 'object' && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    const key = filter.Key;
    if (typeof key !== 'string' || !KEYS.includes(key)) {
      throw enumViolation(`${member}.Key`, String(key), KEYS);
    }
    const values = filter.Values;
    if (!Array.isArray(values) || values.some((v: unknown) => typeof v !== 'string')) {
      throw invalidParameter('Each filter needs a list of string Values.');
    }
    checkLength(`${member}.Values`, `[${values.join(', ')}]`, values.length, { min: 1, max: 10 });
    values.forEach((v: string, i) => {
      const valueMember = `${member}.Values.${i + 1}.member`;
      checkLength(valueMember, v, v.length, { max: 512 });
      checkPattern(valueMember, v, VALUE_PATTERN);
    });
    return { Key: key as FilterKey, Values: values as string[] };
  });
};

/** Words as the service's free-text search splits them: case changes, letter/digit changes, punctuation. */
export const wordsOf = (text: string): string[] =>
  text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])|([0-9])([A-Za-z])/g, '$1$3 $2$4')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());

const attributeMatches = (
  secret: SecretRecord,
  key: FilterKey,
  term: string,
  region: string,
): boolean => {
  switch (key) {
    case 'name':
      return secret.name.startsWith(term);
    case 'description':
      return (secret.description ?? '').toLowerCase().startsWith(term.toLowerCase());
    case 'tag-key':
      return secret.tags.some((t) => t.Key.startsWith(term));
    case 'tag-value':
      return secret.tags.some((t) => t.Value.startsWith(term));
    case 'primary-region':
      return region.startsWith(term);
    case 'owning-service':
      // Local secrets are never owned by another service.
      return false;
    case 'all': {
      const haystack = [
        secret.name,
        secret.description ?? '',
        ...secret.tags.flatMap((t) => [t.Key, t.Value]),
      ].flatMap(wordsOf);
      return wordsOf(term).some((word) => haystack.some((h) => h.startsWith(word)));
    }
  }
};

const filterMatches = (secret: SecretRecord, filter: Filter, region: string): boolean => {
  const positive = filter.Values.filter((v) => !v.startsWith('!'));
  const negative = filter.Values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  if (negative.some((term) => attributeMatches(secret, filter.Key, term, region))) return false;
  return (
    positive.length === 0 ||
    positive.some((term) => attributeMatches(secret, filter.Key, term, region))
  );
};

/** Whether `secret` passes every filter. */
export const matchesFilters = (
  secret: SecretRecord,
  filters: readonly Filter[],
  region: string,
): boolean => filters.every((filter) => filterMatches(secret, filter, region));
