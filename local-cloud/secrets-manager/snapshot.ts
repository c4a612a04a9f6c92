/**
 * Converts every Region's secrets to and from a plain JSON document, for the state file.
 * Values are kept (the file is the emulator's disk); dates are epoch milliseconds.
 */
import type { RotationRules, SecretRecord, SecretVersion, StoredValue, Tag } from './model.js';
import type { SecretsState } from './store.js';

interface VersionSnapshot {
  readonly versionId: string;
  readonly value: StoredValue | null;
  readonly createdDate: number;
  readonly lastAccessedDate: number | null;
}

interface SecretSnapshot {
  readonly arn: string;
  readonly name: string;
  readonly description: string | null;
  readonly kmsKeyId: string | null;
  readonly tags: Tag[];
  readonly createdDate: number;
  readonly lastChangedDate: number;
  readonly lastAccessedDate: number | null;
  readonly lastRotatedDate: number | null;
  readonly deletedDate: number | null;
  readonly deletionDate: number | null;
  readonly rotationEnabled: boolean;
  readonly rotationLambdaArn: string | null;
  readonly rotationRules: RotationRules | null;
  readonly rotationConfiguredDate: number | null;
  readonly versions: VersionSnapshot[];
  readonly labels: [string, string][];
}

/** The state file's document. */
export interface StateSnapshot {
  readonly format: 'rotasync-local-cloud/1';
  readonly regions: Record<string, SecretSnapshot[]>;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
const orUndefined = <T>(value: T | null | undefined): T | undefined =>
  value === null ? undefined : value;

const secretToSnapshot = (secret: SecretRecord): SecretSnapshot => ({
  arn: secret.arn,
  name: secret.name,
  description: orNull(secret.description),
  kmsKeyId: orNull(secret.kmsKeyId),
  tags: secret.tags,
  createdDate: secret.createdDate,
  lastChangedDate: secret.lastChangedDate,
  lastAccessedDate: orNull(secret.lastAccessedDate),
  lastRotatedDate: orNull(secret.lastRotatedDate),
  deletedDate: orNull(secret.deletedDate),
  deletionDate: orNull(secret.deletionDate),
  rotationEnabled: secret.rotationEnabled,
  rotationLambdaArn: orNull(secret.rotationLambdaArn),
  rotationRules: orNull(secret.rotationRules),
  rotationConfiguredDate: orNull(secret.rotationConfiguredDate),
  versions: [...secret.versions.values()].map((v) => ({
    versionId: v.versionId,
    value: orNull(v.value),
    createdDate: v.createdDate,
    lastAccessedDate: orNull(v.lastAccessedDate),
  })),
  labels: [...secret.labels.entries()],
});

const secretFromSnapshot = (s: SecretSnapshot): SecretRecord => ({
  arn: s.arn,
  name: s.name,
  description: orUndefined(s.description),
  kmsKeyId: orUndefined(s.kmsKeyId),
  tags: s.tags,
  createdDate: s.createdDate,
  lastChangedDate: s.lastChangedDate,
  lastAccessedDate: orUndefined(s.lastAccessedDate),
  lastRotatedDate: orUndefined(s.lastRotatedDate),
  deletedDate: orUndefined(s.deletedDate),
  deletionDate: orUndefined(s.deletionDate),
  rotationEnabled: s.rotationEnabled,
  rotationLambdaArn: orUndefined(s.rotationLambdaArn),
  rotationRules: orUndefined(s.rotationRules),
  rotationConfiguredDate: orUndefined(s.rotationConfiguredDate),
  versions: new Map(
    s.versions.map((v): [string, SecretVersion] => [
      v.versionId,
      {
        versionId: v.versionId,
        value: orUndefined(v.value),
        createdDate: v.createdDate,
        lastAccessedDate: orUndefined(v.lastAccessedDate),
      },
    ]),
  ),
  labels: new Map(s.labels),
});

/** Every Region's secrets as one JSON-ready document. */
export const snapshotState = (state: SecretsState): StateSnapshot => {
  // fromEntries defines own keys: a Region is never a prototype setter, whatever its name.
  const regions: Record<string, SecretSnapshot[]> = Object.fromEntries(
    [...state.regions()].map((store) => [store.region, store.all().map(secretToSnapshot)]),
  );
  return { format: 'rotasync-local-cloud/1', regions };
};

/** Loads a document written by `snapshotState` into `state`; throws on an unknown format. */
export const restoreState = (state: SecretsState, document: unknown): void => {
  const snapshot = document as Partial<StateSnapshot> | null;
  if (snapshot?.format !== 'rotasync-local-cloud/1' || typeof snapshot.regions !== 'object') {
    throw new Error(
      'The state file is not a Rotasync local cloud state (format rotasync-local-cloud/1).',
    );
  }
  for (const [region, secrets] of Object.entries(snapshot.regions)) {
    const store = state.region(region);
    for (const secret of secrets) store.add(secretFromSnapshot(secret));
  }
};
