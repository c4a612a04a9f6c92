/**
 * GetSecretValue and BatchGetSecretValue.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
import {
  ApiError,
  invalidNextToken,
  invalidParameter,
  notFound,
} from '#local-cloud/secrets-manager/errors.js';
import {
  type SecretRecord,
  type SecretVersion,
  Stage,
} from '#local-cloud/secrets-manager/model.js';
import { stagesOf, versionWith } from '#local-cloud/secrets-manager/staging.js';
import type { RegionStore } from '#local-cloud/secrets-manager/store.js';
import {
  optionalInteger,
  optionalString,
  optionalStringList,
  secretIdOf,
} from '#local-cloud/secrets-manager/validate.js';
import {
  decodeNextToken,
  encodeNextToken,
  epochSeconds,
  type Operation,
  startOfUtcDay,
} from './context.js';
import { filtersOf, matchesFilters } from './filters.js';

/**
 * The version a read selects: by VersionId and/or VersionStage (default AWSCURRENT). Throws
 * ResourceNotFoundException when it does not exist or has no value yet (a rotation placeholder).
 */
const selectVersion = (
  secret: SecretRecord,
  versionId: string | undefined,
  versionStage: string | undefined,
): SecretVersion => {
  let version: SecretVersion | undefined;
  if (versionId !== undefined) {
    version = secret.versions.get(versionId);
    if (
      version === undefined ||
      (versionStage !== undefined && secret.labels.get(versionStage) !== versionId)
    ) {
      throw notFound(
        `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
      );
    }
  } else {
    const stage = versionStage ?? Stage.Current;
    version = versionWith(secret, stage);
    if (version === undefined) {
      throw notFound(
        `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      );
    }
  }
  if (version.value === undefined) {
    throw notFound(
      versionStage !== undefined
        ? `Secrets Manager can't find the specified secret value for staging label: ${versionStage}`
        : `Secrets Manager can't find the specified secret value for VersionId: ${version.versionId}`,
    );
  }
  return version;
};

/** Reads a value and records the access (to the day); `changed` when that date moved. */
const readValue = (
  secret: SecretRecord,
  versionId: string | undefined,
  versionStage: string | undefined,
  now: number,
): { entry: Record<string, unknown>; changed: boolean } => {
  const version = selectVersion(secret, versionId, versionStage);
  const entry: Record<string, unknown> = {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
  };
  if (version.value?.kind === 'string') entry.SecretString = version.value.data;
  if (version.value?.kind === 'binary') entry.SecretBinary = version.value.data;
  entry.VersionStages = stagesOf(secret, version.versionId);
  entry.CreatedDate = epochSeconds(version.createdDate);
  const day = startOfUtcDay(now);
  const changed = secret.lastAccessedDate !== day || version.lastAccessedDate !== day;
  secret.lastAccessedDate = day;
  version.lastAccessedDate = day;
  return { entry, changed };
};

/** GetSecretValue. */
export const getSecretValue: Operation = (body, { store, now }) => {
  const secret = store.requireActive(secretIdOf(body));
  const versionId = optionalString(body, 'VersionId', { min: 32, max: 64 });
  const versionStage = optionalString(body, 'VersionStage', { min: 1, max: 256 });
  const { entry, changed } = readValue(secret, versionId, versionStage, now);
  return { response: entry, changed };
};

/** One secret of a batch: its value, or the error a GetSecretValue would have given. */
const batchEntry = (
  store: RegionStore,
  secretId: string,
  now: number,
): { value?: Record<string, unknown>; error?: Record<string, unknown>; changed: boolean } => {
  try {
    const { entry, changed } = readValue(store.requireActive(secretId), undefined, undefined, now);
    return { value: entry, changed };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      error: { SecretId: secretId, ErrorCode: error.code, Message: error.message },
      changed: false,
    };
  }
};

/**
 * BatchGetSecretValue: SecretIdList (1..20) or Filters, not both; MaxResults (1..20) and
 * NextToken only with Filters. Per-secret failures go to `Errors`, not to the whole call.
 */
export const batchGetSecretValue: Operation = (body, { store, now }) => {
  const ids = optionalStringList(body, 'SecretIdList', { min: 1, max: 20 }, { min: 1, max: 2048 });
  const filters = filtersOf(body);
  const maxResults = optionalInteger(body, 'MaxResults', { min: 1, max: 20 });
  const nextToken = optionalString(body, 'NextToken', { min: 1, max: 4096 });
  if ((ids === undefined) === (filters === undefined)) {
    throw invalidParameter('Specify either SecretIdList or Filters, but not both.');
  }
  const values: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  let changed = false;
  const collect = (id: string): void => {
    const result = batchEntry(store, id, now);
    if (result.value !== undefined) values.push(result.value);
    if (result.error !== undefined) errors.push(result.error);
    changed ||= result.changed;
  };
  if (ids !== undefined) {
    if (maxResults !== undefined || nextToken !== undefined) {
      throw invalidParameter('MaxResults and NextToken can only be used with Filters.');
    }
    for (const id of ids) collect(id);
    return { response: { SecretValues: values, Errors: errors }, changed };
  }
  const offset = decodeNextToken(nextToken)?.offset;
  if (offset === undefined) throw invalidNextToken();
  const matching = store
    .all()
    .filter((s) => s.deletedDate === undefined && matchesFilters(s, filters ?? [], store.region));
  const page = matching.slice(offset, offset + (maxResults ?? 20));
  for (const secret of page) collect(secret.arn);
  const response: Record<string, unknown> = { SecretValues: values, Errors: errors };
  if (offset + page.length < matching.length)
    response.NextToken = encodeNextToken(offset + page.length);
  return { response, changed };
};
