/**
 * Staging-label rules, applied to one secret. https://docs.aws.amazon.com/secretsmanager/latest/userguide/getting-started.html#term_version
 * - a label is on at most one version; a version may hold several; at most 20 labels per secret;
 * - moving AWSCURRENT attaches AWSPREVIOUS to the version it left;
 * - versions without labels are deprecated and pruned once a secret has more than 100 versions.
 */
import { ApiError, ErrorCode } from './errors.js';
import { type SecretRecord, type SecretVersion, Stage } from './model.js';

/** Labels per secret, as the service's quota says. */
export const MAX_LABELS_PER_SECRET = 20;
/** Versions kept before deprecated ones are pruned. */
export const MAX_VERSIONS_PER_SECRET = 100;
/** Deprecated versions younger than this are never pruned. */
export const PRUNE_MIN_AGE_MS = 24 * 60 * 60 * 1000;

/** The labels on `versionId`, in the order they were attached. */
export const stagesOf = (secret: SecretRecord, versionId: string): string[] => {
  const stages: string[] = [];
  for (const [label, holder] of secret.labels) if (holder === versionId) stages.push(label);
  return stages;
};

/** The version holding `label`, if any. */
export const versionWith = (secret: SecretRecord, label: string): SecretVersion | undefined => {
  const id = secret.labels.get(label);
  return id === undefined ? undefined : secret.versions.get(id);
};

/** `VersionIdsToStages`: only versions that hold a label (the others are deprecated). */
export const versionIdsToStages = (secret: SecretRecord): Record<string, string[]> => {
  const map: Record<string, string[]> = {};
  for (const [label, id] of secret.labels) {
    const stages = map[id] ?? [];
    stages.push(label);
    map[id] = stages;
  }
  return map;
};

/**
 * Puts `label` on `versionId`, taking it off any other version. Moving AWSCURRENT moves
 * AWSPREVIOUS to the version AWSCURRENT left. Throws LimitExceededException past 20 labels.
 */
export const attachLabel = (secret: SecretRecord, label: string, versionId: string): void => {
  const holder = secret.labels.get(label);
  if (holder === versionId) return;
  assertLabelRoom(secret, [label]);
  // Re-inserting keeps the map's order meaning "attach order", which stagesOf reports.
  secret.labels.delete(label);
  secret.labels.set(label, versionId);
  if (label === Stage.Current && holder !== undefined) {
    secret.labels.delete(Stage.Previous);
    secret.labels.set(Stage.Previous, holder);
  }
};

/** Throws LimitExceededException when attaching `labels` would exceed 20 labels on the secret. */
const assertLabelRoom = (secret: SecretRecord, labels: Iterable<string>): void => {
  const after = new Set(secret.labels.keys());
  for (const label of labels) {
    after.add(label);
    if (label === Stage.Current && secret.labels.has(Stage.Current)) after.add(Stage.Previous);
  }
  if (after.size > MAX_LABELS_PER_SECRET) {
    throw new ApiError(
      ErrorCode.LimitExceeded,
      `A secret can have at most ${MAX_LABELS_PER_SECRET} staging labels.`,
    );
  }
};

/** Takes `label` off whatever version holds it. */
export const detachLabel = (secret: SecretRecord, label: string): void => {
  secret.labels.delete(label);
};

/**
 * Adds a version and attaches `stages` to it (see `applyStages`), then prunes deprecated versions.
 * Throws LimitExceededException before changing anything when the labels would exceed 20.
 */
export const addVersion = (
  secret: SecretRecord,
  version: SecretVersion,
  stages: readonly string[],
  now: number,
): void => {
  const needed = labelsToAttach(secret, version, stages);
  assertLabelRoom(secret, needed);
  secret.versions.set(version.versionId, version);
  attachAll(secret, needed, version.versionId);
  pruneDeprecated(secret, now);
};

/**
 * Attaches `stages` to an existing version. When no version holds AWSCURRENT yet and this one has
 * a value, it also gets AWSCURRENT: the service does this for a secret's first version.
 */
export const applyStages = (
  secret: SecretRecord,
  version: SecretVersion,
  stages: readonly string[],
): void => {
  const needed = labelsToAttach(secret, version, stages);
  assertLabelRoom(secret, needed);
  attachAll(secret, needed, version.versionId);
};

const labelsToAttach = (
  secret: SecretRecord,
  version: SecretVersion,
  stages: readonly string[],
): Set<string> => {
  const needed = new Set(stages);
  if (version.value !== undefined && !secret.labels.has(Stage.Current)) needed.add(Stage.Current);
  return needed;
};

const attachAll = (secret: SecretRecord, labels: Set<string>, versionId: string): void => {
  // AWSCURRENT first, so AWSPREVIOUS lands on the old current before the other labels.
  if (labels.has(Stage.Current)) attachLabel(secret, Stage.Current, versionId);
  for (const label of labels) attachLabel(secret, label, versionId);
};

/**
 * Deletes deprecated (label-less) versions, oldest first, while the secret has more than 100
 * versions. Choice: versions under 24 h old are never pruned, even if that leaves more than 100;
 * the service documents the same floor, and it protects a value a client has just written.
 */
export const pruneDeprecated = (secret: SecretRecord, now: number): void => {
  if (secret.versions.size <= MAX_VERSIONS_PER_SECRET) return;
  const labelled = new Set(secret.labels.values());
  for (const version of secret.versions.values()) {
    if (secret.versions.size <= MAX_VERSIONS_PER_SECRET) return;
    if (labelled.has(version.versionId)) continue;
    if (now - version.createdDate < PRUNE_MIN_AGE_MS) continue;
    secret.versions.delete(version.versionId);
  }
};
