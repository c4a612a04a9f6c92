/**
 * Turns the local cloud's API call records into the EventBridge events AWS would deliver for
 * them, in the documented shapes
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html):
 * - `AWS API Call via CloudTrail` for each changing call (requestParameters in CloudTrail's
 *   camelCase, `responseElements.arn`);
 * - `Secret Label Updated` when a label other than AWSPENDING/AWSPREVIOUS moves to a version;
 * - `AWS Service Event via CloudTrail` for rotation outcomes (`additionalEventData.SecretId`).
 * Records never carry values (the local cloud strips them), so neither do the events.
 */
import { randomUUID } from 'node:crypto';
import type { ApiCallRecord } from '#local-cloud/types.js';

/** An EventBridge event envelope. */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

const SERVICE_EVENTS = /^(Test)?Rotation(Started|Succeeded|Failed|Abandoned)$/;
const SILENT_LABELS = new Set(['AWSPENDING', 'AWSPREVIOUS']);

/** CloudTrail spells request keys camelCase by lowering the first letter (so `ARN` is `aRN`). */
const camel = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(camel);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      `${key.charAt(0).toLowerCase()}${key.slice(1)}`,
      camel(inner),
    ]),
  );
};

const text = (record: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
};

/** EventBridge times have whole seconds. */
const eventTime = (at: Date): string => `${at.toISOString().slice(0, 19)}Z`;

const envelope = (
  record: ApiCallRecord,
  detailType: string,
  resources: readonly string[],
  detail: Record<string, unknown>,
  newId: () => string,
): EventBridgeEvent => ({
  version: '0',
  id: newId(),
  'detail-type': detailType,
  source: 'aws.secretsmanager',
  account: record.accountId,
  time: eventTime(record.at),
  region: record.region,
  resources,
  detail,
});

const apiCallEvent = (record: ApiCallRecord, newId: () => string): EventBridgeEvent => {
  const arn = text(record.response, 'ARN');
  const responseElements =
    arn === undefined
      ? null
      : {
          arn,
          ...(record.operation === 'DeleteSecret'
            ? { name: text(record.response, 'Name'), deletionDate: record.response.DeletionDate }
            : {}),
        };
  return envelope(
    record,
    'AWS API Call via CloudTrail',
    [],
    {
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', accountId: record.accountId },
      eventTime: eventTime(record.at),
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: record.operation,
      awsRegion: record.region,
      sourceIPAddress: '127.0.0.1',
      userAgent: 'rotasync-local-cloud',
      requestParameters: camel(record.request),
      responseElements,
      requestID: newId(),
      eventID: newId(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: record.accountId,
      eventCategory: 'Management',
    },
    newId,
  );
};

/** The labels a call moved, with the version they now mark. */
const labelMoves = (record: ApiCallRecord): { label: string; versionId: string }[] => {
  const versionId = text(record.response, 'VersionId');
  switch (record.operation) {
    case 'CreateSecret':
    case 'UpdateSecret':
      // Only when the call stored a value does it answer a VersionId.
      return versionId === undefined ? [] : [{ label: 'AWSCURRENT', versionId }];
    case 'PutSecretValue': {
      const stages = record.request.VersionStages;
      const labels = Array.isArray(stages)
        ? stages.filter((stage): stage is string => typeof stage === 'string')
        : ['AWSCURRENT'];
      return versionId === undefined ? [] : labels.map((label) => ({ label, versionId }));
    }
    case 'UpdateSecretVersionStage': {
      const label = text(record.request, 'VersionStage');
      const moveTo = text(record.request, 'MoveToVersionId');
      return label === undefined || moveTo === undefined ? [] : [{ label, versionId: moveTo }];
    }
    default:
      return [];
  }
};

const labelEvents = (record: ApiCallRecord, newId: () => string): EventBridgeEvent[] => {
  const arn = text(record.response, 'ARN');
  const name = text(record.response, 'Name');
  if (arn === undefined) return [];
  return labelMoves(record)
    .filter((move) => !SILENT_LABELS.has(move.label))
    .map((move) =>
      envelope(
        record,
        'Secret Label Updated',
        [arn],
        { name: name ?? arn, labelUpdated: move.label, versionId: move.versionId },
        newId,
      ),
    );
};

const serviceEvent = (record: ApiCallRecord, newId: () => string): EventBridgeEvent => {
  const secretId = text(record.request, 'SecretId') ?? '';
  const errorMessage = text(record.response, 'errorMessage');
  return envelope(
    record,
    'AWS Service Event via CloudTrail',
    [],
    {
      eventVersion: '1.08',
      userIdentity: { accountId: record.accountId, invokedBy: 'secretsmanager.amazonaws.com' },
      eventTime: eventTime(record.at),
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: record.operation,
      awsRegion: record.region,
      sourceIPAddress: 'secretsmanager.amazonaws.com',
      userAgent: 'secretsmanager.amazonaws.com',
      ...(errorMessage === undefined ? {} : { errorMessage }),
      requestParameters: null,
      responseElements: null,
      additionalEventData: { SecretId: secretId },
      requestID: `Rotation-${secretId}-${newId()}`,
      eventID: newId(),
      readOnly: false,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: record.accountId,
      eventCategory: 'Management',
    },
    newId,
  );
};

/**
 * The events EventBridge would carry for one record: the CloudTrail event, then one
 * `Secret Label Updated` per visible label moved; a rotation outcome gives its service event.
 */
export const buildEvents = (
  record: ApiCallRecord,
  newId: () => string = randomUUID,
): EventBridgeEvent[] =>
  SERVICE_EVENTS.test(record.operation)
    ? [serviceEvent(record, newId)]
    : [apiCallEvent(record, newId), ...labelEvents(record, newId)];
