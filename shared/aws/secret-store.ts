import type { Sensitive } from '#shared/sensitive.js';

/** The staging labels Secrets Manager gives meaning to. */
export const Stage = {
  Current: 'AWSCURRENT',
  Pending: 'AWSPENDING',
  Previous: 'AWSPREVIOUS',
} as const;

/** What DescribeSecret tells about a secret, in the shape the rotation steps need. */
export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** Version id → its staging labels, as in DescribeSecret's `VersionIdsToStages`. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** One version of a secret with its value. */
export interface SecretVersion {
  readonly versionId: string;
  readonly value: Sensitive<string>;
  readonly stages: readonly string[];
}

/**
 * The Secrets Manager port of the rotation steps. Only its adapter knows the SDK: a missing
 * version reads as `undefined`, never as an SDK exception.
 */
export interface SecretStore {
  /** DescribeSecret. Throws when the secret does not exist. */
  describe(secretId: string): Promise<SecretMetadata>;
  /**
   * GetSecretValue by stage, and by version id when given. Resolves `undefined` when no such
   * version exists or it has no value yet (the service's ResourceNotFoundException).
   */
  read(secretId: string, stage: string, versionId?: string): Promise<SecretVersion | undefined>;
  /**
   * PutSecretValue of a string under `token`, staged AWSPENDING only. Resolves `'created'`, or
   * `'exists'` when the token's version already holds a value (the same one or another): a
   * retried createSecret must keep what the first attempt stored.
   */
  putPending(
    secretId: string,
    token: string,
    value: Sensitive<string>,
    rotationToken?: string,
  ): Promise<'created' | 'exists'>;
  /**
   * UpdateSecretVersionStage: moves AWSCURRENT to `token` from `fromVersionId`; the service
   * moves AWSPREVIOUS to the version it left.
   */
  promote(secretId: string, token: string, fromVersionId: string | undefined): Promise<void>;
}
