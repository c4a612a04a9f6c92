/**
 * Secrets that another AWS service creates for itself, such as the master-user secret RDS makes
 * with `ManageMasterUserPassword`: named `rds!db-…`, tagged `aws:rds:primaryDBInstanceArn`. The
 * public API refuses both (names with `!`, tag keys starting with `aws:`), exactly as the service
 * does for callers, so the local setup seeds them through this door instead.
 */
import { newSecretRecord } from './model.js';
import { writeVersion } from './operations/write-version.js';
import type { SecretsState } from './store.js';

export interface ServiceSecretInput {
  readonly region: string;
  readonly name: string;
  readonly secretString: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly description?: string;
}

/** Creates a service-owned secret with one AWSCURRENT version; resolves its ARN. */
export const createServiceSecret = (state: SecretsState, input: ServiceSecretInput): string => {
  const store = state.region(input.region);
  if (store.find(input.name) !== undefined) {
    throw new Error(`a secret named ${input.name} already exists in ${input.region}`);
  }
  const now = state.now();
  const secret = newSecretRecord(
    {
      arn: store.newArn(input.name),
      name: input.name,
      description: input.description,
      kmsKeyId: undefined,
      tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
    },
    now,
  );
  writeVersion(secret, undefined, { kind: 'string', data: input.secretString }, undefined, now);
  store.add(secret);
  return secret.arn;
};
