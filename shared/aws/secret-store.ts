/**
 * The Secrets Manager port: every call Rotasync makes, in the shapes its logic needs. Steps and
 * replication depend on the slice they use (`Pick<SecretStore, 'describe' | 'read'>`), so fakes
 * stay small. Only the adapter (secrets-manager-store.ts) knows the SDK: a missing secret or
 * version reads as `undefined`, every other failure is an AwsCallError.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html
 */
import type { Sensitive } from '#shared/sensitive.js';

/** The staging labels Secrets Manager gives meaning to. */
export const Stage = {
  Current: 'AWSCURRENT',
  Pending: 'AWSPENDING',
  Previous: 'AWSPREVIOUS',
} as const;

/**
 * The version id holding `stage` in a version → labels map (DescribeSecret's
 * `VersionIdsToStages`), leaving out a version that also holds `unless`.
 */
export const versionHolding = (
  versions: Readonly<Record<string, readonly string[]>>,
  stage: string,
  unless?: string,
): string | undefined =>
  Object.entries(versions).find(
    ([, stages]) => stages.includes(stage) && (unless === undefined || !stages.includes(unless)),
  )?.[0];

/** A secret's rotation schedule as Secrets Manager stores it (RotationRules). */
export interface RotationRules {
  readonly automaticallyAfterDays?: number;
  /** The rotation window, e.g. `2h`. */
  readonly duration?: string;
  /** `rate(30 days)` or `cron(...)`. */
  readonly scheduleExpression?: string;
}

/** What DescribeSecret or a ListSecrets entry tells about a secret; never its value. */
export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Version id → its staging labels (DescribeSecret's `VersionIdsToStages`). */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  /** The version holding AWSCURRENT, when one does. */
  readonly currentVersionId?: string;
  /** Scheduled for deletion (DeletedDate set). */
  readonly deleted: boolean;
  /** As the official templates read RotationEnabled: only an explicit `false` is off. */
  readonly rotationEnabled: boolean;
  /** The rotation function, once rotation was configured. */
  readonly rotationLambdaArn?: string;
  readonly rotationRules?: RotationRules;
}

/** One version of a secret with its value. */
export interface SecretValue {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly createdDate: Date;
  readonly value: Sensitive<string>;
}

/** What CreateSecret needs. */
export interface NewSecret {
  readonly name: string;
  /** The first version's ClientRequestToken. */
  readonly token: string;
  readonly value: Sensitive<string>;
  readonly kmsKeyId?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** How PutSecretValue stages a value; default: AWSCURRENT, as the service does. */
export interface PutOptions {
  readonly stages?: readonly string[];
  /** The RotationToken Secrets Manager passed to the rotation function. */
  readonly rotationToken?: string;
}

/** What {@link SecretStore.list} filters on, and where it continues. */
export interface ListOptions {
  readonly tagKey?: string;
  /** A name prefix (non-empty, no leading `!`, which would negate the filter). */
  readonly namePrefix?: string;
  readonly nextToken?: string;
}

/** One page of ListSecrets. */
export interface SecretPage {
  readonly secrets: readonly SecretMetadata[];
  readonly nextToken?: string;
}

/** Secrets Manager in one Region. */
export interface SecretStore {
  /** DescribeSecret; `undefined` when the secret does not exist. */
  describe(secretId: string): Promise<SecretMetadata | undefined>;
  /**
   * GetSecretValue by stage (default AWSCURRENT), and by version id when given. `undefined` when
   * no such secret or version exists, or it has no value yet (the AWSPENDING placeholder
   * RotateSecret registers). Throws SecretFormatError for a binary secret.
   */
  read(secretId: string, stage?: string, versionId?: string): Promise<SecretValue | undefined>;
  /**
   * BatchGetSecretValue of AWSCURRENT for at most 20 ids; keyed by the id as requested, holding
   * `undefined` for a secret that does not exist or holds no string.
   */
  readCurrentBatch(
    secretIds: readonly string[],
  ): Promise<ReadonlyMap<string, SecretValue | undefined>>;
  /** CreateSecret with a first value under `token`; `'exists'` when the name is taken. */
  create(secret: NewSecret): Promise<'created' | 'exists'>;
  /**
   * PutSecretValue of a string under `token`. `'exists'` when the token's version already holds
   * another value (ResourceExistsException): a retried createSecret keeps the first one. The same
   * token and value again is a no-op.
   */
  putValue(
    secretId: string,
    token: string,
    value: Sensitive<string>,
    options?: PutOptions,
  ): Promise<'created' | 'exists'>;
  /**
   * UpdateSecretVersionStage: moves AWSCURRENT to `versionId` from `fromVersionId`; the service
   * moves AWSPREVIOUS to the version it left.
   */
  promote(secretId: string, versionId: string, fromVersionId: string | undefined): Promise<void>;
  /**
   * UpdateSecretVersionStage: removes `stage` from `versionId`, as after CancelRotateSecret
   * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CancelRotateSecret.html)
   * an interrupted rotation's AWSPENDING must be removed by hand.
   */
  unstage(secretId: string, stage: string, versionId: string): Promise<void>;
  /** TagResource: adds or overwrites these tags. */
  tag(secretId: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** UntagResource: removes the tags with these keys. */
  untag(secretId: string, keys: readonly string[]): Promise<void>;
  /**
   * RotateSecret with RotateImmediately=false: rotation on with `lambdaArn` on `rules`, no
   * rotation now. The service tests the configuration by running the function's testSecret step
   * on a new AWSPENDING version, which it then removes.
   */
  enableRotation(secretId: string, lambdaArn: string, rules: RotationRules): Promise<void>;
  /** CancelRotateSecret: rotation off. */
  cancelRotation(secretId: string): Promise<void>;
  /** DeleteSecret with a recovery window (days, 7..30). */
  remove(secretId: string, recoveryWindowInDays: number): Promise<void>;
  /**
   * ListSecrets, one page of up to 100; `tagKey` keeps only secrets carrying that tag key,
   * `namePrefix` only names starting with it (the filters AND together).
   */
  list(options?: ListOptions): Promise<SecretPage>;
}

/** Secrets Manager per Region: `undefined` is the function's own Region. */
export type SecretStores = (region?: string) => SecretStore;
