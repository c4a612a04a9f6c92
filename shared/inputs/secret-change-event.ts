/**
 * Parses the EventBridge events that tell Rotasync a secret changed, into one small typed shape.
 *
 * Shapes handled, as documented in
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html:
 * - `Secret Label Updated` (native, no CloudTrail needed): `resources[0]` is the full ARN,
 *   `detail.labelUpdated` the label moved; only AWSCURRENT matters here.
 * - `AWS API Call via CloudTrail` for CreateSecret, PutSecretValue, UpdateSecret,
 *   UpdateSecretVersionStage, TagResource, UntagResource, DeleteSecret, RestoreSecret. The id is
 *   `responseElements.arn` (or the pre-2024 `aRN`), else `requestParameters.secretId`/`name`.
 *   A call that failed (`errorCode` present) changed nothing and is ignored.
 * - `AWS Service Event via CloudTrail` RotationSucceeded, with the id in
 *   `additionalEventData.SecretId` (documented) or `serviceEventDetails.secretId` (reported).
 *
 * Events never carry a secret value (CloudTrail drops SecretString/SecretBinary), and this
 * module reads nothing but ids, so nothing it returns or throws can hold one.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
 */
import { InvalidEventError } from '#shared/errors.js';

/** What happened to a secret, as far as replication cares. */
export type SecretChangeKind =
  | 'value-changed'
  | 'metadata-changed'
  | 'deleted'
  | 'restored'
  | 'created'
  | 'rotation-succeeded';

/** A parsed change: the secret (name or ARN as the event carried it) and where and when. */
export interface SecretChange {
  readonly outcome: 'change';
  readonly kind: SecretChangeKind;
  readonly secretId: string;
  readonly region: string;
  /** The version the event names (new AWSCURRENT or client request token), when it names one. */
  readonly versionId?: string;
  /** The event time (ISO 8601) as carried. */
  readonly time: string;
}

/** A well-formed event that needs no replication, with the reason. */
export interface IgnoredEvent {
  readonly outcome: 'ignored';
  readonly reason: string;
}

/** The result of {@link parseSecretChangeEvent}. */
export type ParsedSecretChangeEvent = SecretChange | IgnoredEvent;

const SOURCE = 'aws.secretsmanager';
const EVENT_SOURCE = 'secretsmanager.amazonaws.com';
const MAX_ID_LENGTH = 2048;
const MAX_VERSION_LENGTH = 64;

const API_CALL_KINDS: Readonly<Record<string, SecretChangeKind>> = {
  CreateSecret: 'created',
  PutSecretValue: 'value-changed',
  UpdateSecret: 'metadata-changed',
  UpdateSecretVersionStage: 'value-changed',
  TagResource: 'metadata-changed',
  UntagResource: 'metadata-changed',
  DeleteSecret: 'deleted',
  RestoreSecret: 'restored',
};

type Json = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An own property only: hostile input may carry `__proto__` or inherited names. */
const field = (record: Json, key: string): unknown =>
  Object.hasOwn(record, key) ? record[key] : undefined;

const invalid = (name: string, problem: string): InvalidEventError =>
  new InvalidEventError(name, `secret change event field "${name}" ${problem}`, {
    step: 'parseSecretChangeEvent',
  });

const requiredString = (record: Json, key: string, path: string, max = MAX_ID_LENGTH): string => {
  const value = field(record, key);
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(path, 'is missing or not a non-empty string');
  }
  if (value.length > max || !/^[\x20-\x7e]+$/.test(value)) {
    throw invalid(path, `is longer than ${max} characters or holds unprintable characters`);
  }
  return value;
};

const optionalString = (
  record: Json,
  key: string,
  path: string,
  max = MAX_ID_LENGTH,
): string | undefined => {
  const value = field(record, key);
  return value === undefined || value === null ? undefined : requiredString(record, key, path, max);
};

const optionalRecord = (record: Json, key: string, path: string): Json | undefined => {
  const value = field(record, key);
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalid(path, 'is not an object');
  return value;
};

const requiredRecord = (record: Json, key: string, path: string): Json => {
  const value = optionalRecord(record, key, path);
  if (value === undefined) throw invalid(path, 'is missing');
  return value;
};

const change = (
  kind: SecretChangeKind,
  secretId: string,
  envelope: { region: string; time: string },
  versionId: string | undefined,
): SecretChange => ({
  outcome: 'change',
  kind,
  secretId,
  ...envelope,
  ...(versionId === undefined ? {} : { versionId }),
});

const ignored = (reason: string): IgnoredEvent => ({ outcome: 'ignored', reason });

const parseLabelUpdated = (event: Json, envelope: { region: string; time: string }) => {
  const detail = requiredRecord(event, 'detail', 'detail');
  const label = requiredString(detail, 'labelUpdated', 'detail.labelUpdated');
  if (label !== 'AWSCURRENT') return ignored(`label ${label} moved, not AWSCURRENT`);
  const resources = field(event, 'resources');
  const arn = Array.isArray(resources) && typeof resources[0] === 'string' ? resources[0] : '';
  const secretId =
    arn.length > 0
      ? requiredString({ arn }, 'arn', 'resources[0]')
      : requiredString(detail, 'name', 'detail.name');
  const versionId = requiredString(detail, 'versionId', 'detail.versionId', MAX_VERSION_LENGTH);
  return change('value-changed', secretId, envelope, versionId);
};

const apiCallSecretId = (name: string, request: Json, response: Json | undefined): string => {
  const fromResponse =
    response === undefined
      ? undefined
      : (optionalString(response, 'arn', 'detail.responseElements.arn') ??
        optionalString(response, 'aRN', 'detail.responseElements.aRN'));
  if (fromResponse !== undefined) return fromResponse;
  const key = name === 'CreateSecret' ? 'name' : 'secretId';
  return requiredString(request, key, `detail.requestParameters.${key}`);
};

const parseApiCall = (event: Json, envelope: { region: string; time: string }) => {
  const detail = requiredRecord(event, 'detail', 'detail');
  const eventSource = requiredString(detail, 'eventSource', 'detail.eventSource');
  if (eventSource !== EVENT_SOURCE) return ignored(`API call to ${eventSource}`);
  const name = requiredString(detail, 'eventName', 'detail.eventName');
  const errorCode = optionalString(detail, 'errorCode', 'detail.errorCode');
  if (errorCode !== undefined) return ignored(`${name} failed with ${errorCode}`);
  // An own key only: an eventName such as `constructor` names no API call of ours.
  const kind = Object.hasOwn(API_CALL_KINDS, name) ? API_CALL_KINDS[name] : undefined;
  if (kind === undefined) return ignored(`${name} does not change what replication copies`);
  const request = requiredRecord(detail, 'requestParameters', 'detail.requestParameters');
  const response = optionalRecord(detail, 'responseElements', 'detail.responseElements');
  const secretId = apiCallSecretId(name, request, response);
  const token = optionalString(
    request,
    'clientRequestToken',
    'detail.requestParameters.clientRequestToken',
    MAX_VERSION_LENGTH,
  );
  const region = optionalString(detail, 'awsRegion', 'detail.awsRegion') ?? envelope.region;
  const at = { region, time: envelope.time };
  if (name === 'PutSecretValue') {
    const stages = field(request, 'versionStages');
    // A value staged without AWSCURRENT (rotation's AWSPENDING) is not yet the secret's value.
    if (Array.isArray(stages) && !stages.includes('AWSCURRENT')) {
      return ignored('PutSecretValue staged a version without AWSCURRENT');
    }
  }
  if (name === 'UpdateSecretVersionStage') {
    const stage = requiredString(request, 'versionStage', 'detail.requestParameters.versionStage');
    const moveTo = optionalString(
      request,
      'moveToVersionId',
      'detail.requestParameters.moveToVersionId',
      MAX_VERSION_LENGTH,
    );
    if (stage !== 'AWSCURRENT' || moveTo === undefined) {
      return ignored(`UpdateSecretVersionStage moved ${stage}, not AWSCURRENT`);
    }
    return change('value-changed', secretId, at, moveTo);
  }
  // UpdateSecret with a token may have changed the value; without one it changed metadata only.
  const effective = name === 'UpdateSecret' && token !== undefined ? 'value-changed' : kind;
  const carriesVersion = effective === 'value-changed' || effective === 'created';
  return change(effective, secretId, at, carriesVersion ? token : undefined);
};

const parseServiceEvent = (event: Json, envelope: { region: string; time: string }) => {
  const detail = requiredRecord(event, 'detail', 'detail');
  const name = requiredString(detail, 'eventName', 'detail.eventName');
  if (name !== 'RotationSucceeded') return ignored(`service event ${name}`);
  const additional = optionalRecord(detail, 'additionalEventData', 'detail.additionalEventData');
  const service = optionalRecord(detail, 'serviceEventDetails', 'detail.serviceEventDetails');
  const secretId =
    (additional && optionalString(additional, 'SecretId', 'detail.additionalEventData.SecretId')) ??
    (service && optionalString(service, 'secretId', 'detail.serviceEventDetails.secretId'));
  if (secretId === undefined) {
    throw invalid(
      'detail.additionalEventData.SecretId',
      'is missing (and so is serviceEventDetails.secretId)',
    );
  }
  const region = optionalString(detail, 'awsRegion', 'detail.awsRegion') ?? envelope.region;
  return change('rotation-succeeded', secretId, { region, time: envelope.time }, undefined);
};

/**
 * Parses an EventBridge event from Secrets Manager into a {@link SecretChange}, or an
 * {@link IgnoredEvent} when it changed nothing replication copies.
 * Throws {@link InvalidEventError} naming the missing or malformed field for any other input.
 */
export const parseSecretChangeEvent = (input: unknown): ParsedSecretChangeEvent => {
  if (!isRecord(input)) throw invalid('event', 'is not an object');
  const source = requiredString(input, 'source', 'source');
  if (source !== SOURCE) throw invalid('source', `is not ${SOURCE}`);
  const detailType = requiredString(input, 'detail-type', 'detail-type');
  const envelope = {
    region: requiredString(input, 'region', 'region'),
    time: requiredString(input, 'time', 'time'),
  };
  switch (detailType) {
    case 'Secret Label Updated':
      return parseLabelUpdated(input, envelope);
    case 'AWS API Call via CloudTrail':
      return parseApiCall(input, envelope);
    case 'AWS Service Event via CloudTrail':
      return parseServiceEvent(input, envelope);
    default:
      throw invalid('detail-type', 'is not a Secrets Manager change event type');
  }
};
