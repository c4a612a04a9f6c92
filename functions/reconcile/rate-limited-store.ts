/**
 * Paces a sweep's Secrets Manager calls below the service's request-rate quotas, which are per
 * Region and per operation group
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html): each write
 * call first takes a token from one bucket shared by every Region, and each ListSecrets and
 * BatchGetSecretValue from that Region's bucket for the operation. The SDK's retry policy still
 * retries a throttled call (shared/aws/clients.ts); pacing keeps the sweep from causing one.
 */
import { decorate } from '#shared/aws/decorate.js';
import type { SecretStores } from '#shared/aws/secret-store.js';
import { TokenBucket } from './token-bucket.js';

const paceWith =
  (bucket: TokenBucket) =>
  async <A extends unknown[], R>(original: (...args: A) => Promise<R>, ...args: A): Promise<R> => {
    await bucket.take();
    return original(...args);
  };

/**
 * The same stores, with create/putValue/promote/unstage/tag/remove paced by `bucket` (shared by every
 * Region); reads are not paced.
 *
 * @example
 * const paced = rateLimitWrites(stores, new TokenBucket(10));
 */
export const rateLimitWrites =
  (stores: SecretStores, bucket: TokenBucket): SecretStores =>
  (region) => {
    const paced = paceWith(bucket);
    return decorate(stores(region), {
      create: paced,
      putValue: paced,
      promote: paced,
      unstage: paced,
      tag: paced,
      remove: paced,
    });
  };

/**
 * The same stores, with `list` (ListSecrets) and `readCurrentBatch` (BatchGetSecretValue) paced
 * to `perSecond` calls each, per Region: the two have separate quotas, as do the Regions.
 *
 * @example
 * const paced = rateLimitReads(stores, 80);
 */
export const rateLimitReads = (
  stores: SecretStores,
  perSecond: number,
  makeBucket: (perSecond: number) => TokenBucket = (rate) => new TokenBucket(rate),
): SecretStores => {
  const buckets = new Map<string, { list: TokenBucket; batch: TokenBucket }>();
  return (region) => {
    const key = region ?? '';
    let own = buckets.get(key);
    if (own === undefined) {
      own = { list: makeBucket(perSecond), batch: makeBucket(perSecond) };
      buckets.set(key, own);
    }
    return decorate(stores(region), {
      list: paceWith(own.list),
      readCurrentBatch: paceWith(own.batch),
    });
  };
};
