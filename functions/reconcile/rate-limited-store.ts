/** Paces a sweep's Secrets Manager writes: each write call first takes a token from one bucket. */
import { decorate } from '#shared/aws/decorate.js';
import type { SecretStores } from '#shared/aws/secret-store.js';
import type { TokenBucket } from './token-bucket.js';

/**
 * The same stores, with create/putValue/promote/tag/remove paced by `bucket` (shared by every
 * Region); reads are not paced.
 *
 * @example
 * const paced = rateLimitWrites(stores, new TokenBucket(10));
 */
export const rateLimitWrites =
  (stores: SecretStores, bucket: TokenBucket): SecretStores =>
  (region) => {
    const paced = async <A extends unknown[], R>(
      original: (...args: A) => Promise<R>,
      ...args: A
    ): Promise<R> => {
      await bucket.take();
      return original(...args);
    };
    return decorate(stores(region), {
      create: paced,
      putValue: paced,
      promote: paced,
      tag: paced,
      remove: paced,
    });
  };
