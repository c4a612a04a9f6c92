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
import { invalidParameter } from '../errors.js';
import type { SecretRecord } from '../model.js';
import type { RequestBody } from '../validate.js';

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
  if (!Array.isArray(value) || value.length > 10) {
    throw invalidParameter('Filters must be a list of at most 10 {Key, Values}.');
  }
  return value.map((item: unknown) => {
    const filter = (typeof item === 'object' && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    const key = filter.Key;
    if (typeof key !== 'string' || !KEYS.includes(key)) {
      throw invalidParameter(`Filter Key must be one of ${KEYS.join(', ')}.`);
    }
    const values = filter.Values;
    if (!Array.isArray(values) || values.length < 1 || values.length > 10) {
      throw invalidParameter('Each filter needs 1 to 10 Values.');
    }
    for (const v of values) {
      if (typeof v !== 'string' || v.length > 512 || !VALUE_PATTERN.test(v)) {
        throw invalidParameter(
          'Filter values must match ^!?[a-zA-Z0-9 :_@/+=.-!]*$ and be at most 512 characters.',
        );
      }
    }
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
