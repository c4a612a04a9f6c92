/** Lists the secrets of a Region a disaster-recovery function acts on. */
import type { SecretMetadata, SecretStore } from '#shared/aws/secret-store.js';
import { isUnderPrefix } from '#shared/replication/secret-prefix.js';
import { type SecretSelector, selects } from './selector.js';

/**
 * Every secret of `store`'s Region that carries one of `tagKeys`, is under `prefix` (the roles
 * allow no other) and is picked by `selector`; secrets scheduled for deletion are left out.
 * One ListSecrets listing per tag key (the tag-key filter), deduplicated by ARN.
 */
export const listSelected = async (
  store: Pick<SecretStore, 'list'>,
  tagKeys: readonly string[],
  prefix: string,
  selector: SecretSelector,
): Promise<SecretMetadata[]> => {
  const found = new Map<string, SecretMetadata>();
  for (const tagKey of tagKeys) {
    let nextToken: string | undefined;
    do {
      const page = await store.list({
        tagKey,
        ...(prefix === '' ? {} : { namePrefix: prefix }),
        ...(nextToken === undefined ? {} : { nextToken }),
      });
      for (const secret of page.secrets) {
        const id = secret.arn === '' ? secret.name : secret.arn;
        if (secret.deleted || !isUnderPrefix(id, prefix) || !selects(selector, secret)) continue;
        found.set(id, secret);
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
};
