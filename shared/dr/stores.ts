/**
 * Secrets Manager for the disaster-recovery functions: this Region's through the standard
 * clients, other Regions' through clients that give up quickly, because in a disaster the other
 * Region may not answer at all and must not hold up a drill or a failover.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientSettings } from '#shared/aws/clients.js';
import type { SecretStores } from '#shared/aws/secret-store.js';
import { secretsManagerStores } from '#shared/aws/secrets-manager-store.js';

/** Two attempts, 2 s to connect, 5 s for an answer: a Region that is down is known in seconds. */
const impatientClient = (region: string | undefined): SecretsManagerClient =>
  new SecretsManagerClient({
    ...clientSettings(region),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  });

/** `own` Region's stores as usual; every other Region's with the impatient client. */
export const drSecretStores = (own: string): SecretStores => {
  const here = secretsManagerStores();
  const elsewhere = secretsManagerStores(impatientClient);
  return (region) => (region === undefined || region === own ? here(region) : elsewhere(region));
};
