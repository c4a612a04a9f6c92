/** TagResource and UntagResource: up to 50 tags; a tag with an existing key replaces it. */
import { invalidParameter } from '#local-cloud/secrets-manager/errors.js';
import {
  missingMember,
  optionalStringList,
  secretIdOf,
  tagsOf,
} from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';

export const tagResource: Operation = (body, { store, now }) => {
  const secretId = secretIdOf(body);
  const tags = tagsOf(body);
  if (tags === undefined) throw missingMember('Tags');
  const secret = store.requireActive(secretId);
  const merged = new Map(secret.tags.map((t) => [t.Key, t]));
  for (const tag of tags) merged.set(tag.Key, tag);
  if (merged.size > 50) throw invalidParameter('A secret can have at most 50 tags.');
  secret.tags = [...merged.values()];
  secret.lastChangedDate = now;
  return { response: {}, changed: true };
};

export const untagResource: Operation = (body, { store, now }) => {
  const secretId = secretIdOf(body);
  const keys = optionalStringList(body, 'TagKeys', {}, { min: 1, max: 128 });
  if (keys === undefined) throw missingMember('TagKeys');
  const secret = store.requireActive(secretId);
  const remove = new Set(keys);
  secret.tags = secret.tags.filter((t) => !remove.has(t.Key));
  secret.lastChangedDate = now;
  return { response: {}, changed: true };
};
