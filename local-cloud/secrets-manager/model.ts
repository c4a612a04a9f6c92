/**
 * The in-memory shape of one Region's secrets. Staging labels live in one map per secret
 * (`labels`: label → version id), the single source of truth: a label can never sit on two
 * versions, so two AWSCURRENT versions cannot happen whatever order the calls come in.
 */

/** A secret value as stored: text, or bytes kept as base64 (the JSON protocol's form). */
export type StoredValue =
  | { readonly kind: 'string'; readonly data: string }
  | { readonly kind: 'binary'; readonly data: string };

export interface SecretVersion {
  readonly versionId: string;
  /** `undefined` for the value-less AWSPENDING placeholder RotateSecret registers. */
  value: StoredValue | undefined;
  readonly createdDate: number;
  lastAccessedDate: number | undefined;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface RotationRules {
  readonly AutomaticallyAfterDays?: number;
  readonly Duration?: string;
  readonly ScheduleExpression?: string;
}

export interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  description: string | undefined;
  kmsKeyId: string | undefined;
  tags: Tag[];
  readonly createdDate: number;
  lastChangedDate: number;
  /** Day precision (midnight UTC), as the service reports it. */
  lastAccessedDate: number | undefined;
  lastRotatedDate: number | undefined;
  /** When DeleteSecret was called; `undefined` unless scheduled for deletion. */
  deletedDate: number | undefined;
  /** When a scheduled deletion becomes final. */
  deletionDate: number | undefined;
  rotationEnabled: boolean;
  rotationLambdaArn: string | undefined;
  rotationRules: RotationRules | undefined;
  /** When rotation was last configured: the base of NextRotationDate before any rotation. */
  rotationConfiguredDate: number | undefined;
  /** Versions in creation order. */
  readonly versions: Map<string, SecretVersion>;
  /** Label → version id. */
  readonly labels: Map<string, string>;
}

/** The AWS staging labels with a meaning. */
export const Stage = {
  Current: 'AWSCURRENT',
  Previous: 'AWSPREVIOUS',
  Pending: 'AWSPENDING',
} as const;

/** What a new secret starts with; everything else starts empty or off. */
export interface NewSecretFields {
  readonly arn: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly kmsKeyId: string | undefined;
  readonly tags: Tag[];
}

/** A new secret record with no versions, rotation off, created at `now`. */
export const newSecretRecord = (fields: NewSecretFields, now: number): SecretRecord => ({
  ...fields,
  createdDate: now,
  lastChangedDate: now,
  lastAccessedDate: undefined,
  lastRotatedDate: undefined,
  deletedDate: undefined,
  deletionDate: undefined,
  rotationEnabled: false,
  rotationLambdaArn: undefined,
  rotationRules: undefined,
  rotationConfiguredDate: undefined,
  versions: new Map(),
  labels: new Map(),
});
