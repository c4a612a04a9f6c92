/** ListSecrets. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html */
import { invalidNextToken } from '#local-cloud/secrets-manager/errors.js';
import type { SecretRecord } from '#local-cloud/secrets-manager/model.js';
import {
  checkEnum,
  enumViolation,
  optionalBoolean,
  optionalInteger,
  optionalString,
} from '#local-cloud/secrets-manager/validate.js';
import { decodeNextToken, encodeNextToken, type Operation } from './context.js';
import { filtersOf, matchesFilters } from './filters.js';
import { secretListEntry } from './render.js';

const SORT_KEYS: Record<string, (s: SecretRecord) => number | string> = {
  'created-date': (s) => s.createdDate,
  'last-accessed-date': (s) => s.lastAccessedDate ?? 0,
  'last-changed-date': (s) => s.lastChangedDate,
  name: (s) => s.name,
};

/**
 * Lists the Region's secrets: Filters, SortOrder (asc|desc, default asc) and SortBy (default
 * created-date), MaxResults 1..100 (default 100), NextToken, IncludePlannedDeletion.
 */
export const listSecrets: Operation = (body, { store, region, now }) => {
  const includePlannedDeletion = optionalBoolean(body, 'IncludePlannedDeletion') ?? false;
  const maxResults = optionalInteger(body, 'MaxResults', { min: 1, max: 100 }) ?? 100;
  const nextToken = optionalString(body, 'NextToken', { min: 1, max: 4096 });
  const sortOrder = optionalString(body, 'SortOrder') ?? 'asc';
  const sortBy = optionalString(body, 'SortBy') ?? 'created-date';
  const filters = filtersOf(body) ?? [];
  checkEnum('SortOrder', sortOrder, ['asc', 'desc']);
  // hasOwn: a name like `toString` must not reach Object.prototype.
  const sortKey = Object.hasOwn(SORT_KEYS, sortBy) ? SORT_KEYS[sortBy] : undefined;
  if (sortKey === undefined) throw enumViolation('SortBy', sortBy, Object.keys(SORT_KEYS));
  const offset = decodeNextToken(nextToken);
  if (offset === undefined) throw invalidNextToken();

  const matching = store
    .all()
    .filter((s) => includePlannedDeletion || s.deletedDate === undefined)
    .filter((s) => matchesFilters(s, filters, region));
  const direction = sortOrder === 'asc' ? 1 : -1;
  // Name breaks ties so pages are stable between calls.
  matching.sort((a, b) => {
    const ka = sortKey(a);
    const kb = sortKey(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const page = matching.slice(offset, offset + maxResults);
  const response: Record<string, unknown> = {
    SecretList: page.map((s) => secretListEntry(s, region, now)),
  };
  if (offset + page.length < matching.length)
    response.NextToken = encodeNextToken(offset + page.length);
  return { response, changed: false };
};
