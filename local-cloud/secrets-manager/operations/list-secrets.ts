/** ListSecrets. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html */
import { invalidNextToken } from '#local-cloud/secrets-manager/errors.js';
import type { SecretRecord } from '#local-cloud/secrets-manager/model.js';
import type { RegionStore } from '#local-cloud/secrets-manager/store.js';
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
 * Listings in progress, per Region store: a listing's first page filters and sorts the Region
 * once and keeps the result under an id its NextTokens carry, so each later page is a slice
 * (O(page)) rather than a filter and sort of every secret (O(N log N)): without it, listing
 * 50,000 secrets 100 at a time would cost the local cloud far more than the calls it serves.
 * Later pages show each listed secret as it is now, and none created since the first page, as a
 * paginated listing of the service may ("ListSecrets is eventually consistent"). Choice: the 32
 * most recent listings per Region are kept; an older token lists afresh from its offset.
 */
interface Listing {
  readonly request: string;
  readonly secrets: readonly SecretRecord[];
}
const LISTINGS_KEPT = 32;
const listings = new WeakMap<RegionStore, Map<string, Listing>>();
let nextListingId = 0;

const listingsOf = (store: RegionStore): Map<string, Listing> => {
  let kept = listings.get(store);
  if (kept === undefined) {
    kept = new Map();
    listings.set(store, kept);
  }
  return kept;
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
  const position = decodeNextToken(nextToken);
  if (position === undefined) throw invalidNextToken();
  const { offset } = position;

  const request = JSON.stringify([includePlannedDeletion, sortOrder, sortBy, filters]);
  const kept = listingsOf(store);
  let listingId = position.listing;
  let listing = listingId === undefined ? undefined : kept.get(listingId);
  if (listing === undefined || listing.request !== request) {
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
    listing = { request, secrets: matching };
    nextListingId += 1;
    listingId = String(nextListingId);
    kept.set(listingId, listing);
    for (const old of kept.keys()) {
      if (kept.size <= LISTINGS_KEPT) break;
      kept.delete(old);
    }
  }
  const end = offset + maxResults;
  // A secret deleted since the listing began is left out, as a fresh listing would.
  const page = listing.secrets
    .slice(offset, end)
    .filter(
      (s) => store.find(s.arn) === s && (includePlannedDeletion || s.deletedDate === undefined),
    );
  const response: Record<string, unknown> = {
    SecretList: page.map((s) => secretListEntry(s, region, now)),
  };
  if (end < listing.secrets.length) response.NextToken = encodeNextToken(end, listingId);
  return { response, changed: false };
};
