import { describe, expect, it } from 'vitest';
import { buildEvents } from '#local-cloud/events/build-events.js';
import type { ApiCallRecord } from '#local-cloud/types.js';
import { parseSecretChangeEvent } from '#shared/inputs/secret-change-event.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf';
const AT = new Date('2026-03-01T10:20:30.456Z');

const record = (
  operation: string,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
): ApiCallRecord => ({
  service: 'secretsmanager',
  operation,
  region: 'us-east-1',
  accountId: '123456789012',
  request,
  response,
  at: AT,
});

let counter = 0;
const ids = (): string => {
  counter += 1;
  return `id-${counter}`;
};

describe('buildEvents', () => {
  it('builds the CloudTrail event and Secret Label Updated for PutSecretValue', () => {
    // Act
    const events = buildEvents(
      record(
        'PutSecretValue',
        { SecretId: 'prod/app', ClientRequestToken: 'tok-1' },
        { ARN, Name: 'prod/app', VersionId: 'tok-1', VersionStages: ['AWSCURRENT'] },
      ),
      ids,
    );
    // Assess
    expect(events.map((e) => e['detail-type'])).toEqual([
      'AWS API Call via CloudTrail',
      'Secret Label Updated',
    ]);
    expect(events[0]).toMatchObject({
      source: 'aws.secretsmanager',
      time: '2026-03-01T10:20:30Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        eventSource: 'secretsmanager.amazonaws.com',
        eventName: 'PutSecretValue',
        awsRegion: 'us-east-1',
        requestParameters: { secretId: 'prod/app', clientRequestToken: 'tok-1' },
        responseElements: { arn: ARN },
        eventType: 'AwsApiCall',
      },
    });
    expect(events[1]).toMatchObject({
      resources: [ARN],
      detail: { name: 'prod/app', labelUpdated: 'AWSCURRENT', versionId: 'tok-1' },
    });
    expect(events.map(parseSecretChangeEvent)).toEqual([
      {
        outcome: 'change',
        kind: 'value-changed',
        secretId: ARN,
        region: 'us-east-1',
        versionId: 'tok-1',
        time: '2026-03-01T10:20:30Z',
      },
      {
        outcome: 'change',
        kind: 'value-changed',
        secretId: ARN,
        region: 'us-east-1',
        versionId: 'tok-1',
        time: '2026-03-01T10:20:30Z',
      },
    ]);
  });

  it('emits no label event for a version staged AWSPENDING, and the parser ignores the call', () => {
    // Act
    const events = buildEvents(
      record(
        'PutSecretValue',
        { SecretId: ARN, ClientRequestToken: 't', VersionStages: ['AWSPENDING'] },
        { ARN, Name: 'prod/app', VersionId: 't' },
      ),
      ids,
    );
    // Assess
    expect(events).toHaveLength(1);
    expect(parseSecretChangeEvent(events[0])).toMatchObject({ outcome: 'ignored' });
  });

  it('emits Secret Label Updated when UpdateSecretVersionStage moves AWSCURRENT', () => {
    // Act
    const events = buildEvents(
      record(
        'UpdateSecretVersionStage',
        {
          SecretId: ARN,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: 'v2',
          RemoveFromVersionId: 'v1',
        },
        { ARN, Name: 'prod/app' },
      ),
      ids,
    );
    // Assess
    expect(events[1]?.detail).toEqual({
      name: 'prod/app',
      labelUpdated: 'AWSCURRENT',
      versionId: 'v2',
    });
    expect(events[0]?.detail.requestParameters).toEqual({
      secretId: ARN,
      versionStage: 'AWSCURRENT',
      moveToVersionId: 'v2',
      removeFromVersionId: 'v1',
    });
  });

  it('emits a label event for CreateSecret only when it stored a value', () => {
    // Act
    const withValue = buildEvents(
      record(
        'CreateSecret',
        { Name: 'prod/app', Tags: [{ Key: 'a', Value: 'b' }] },
        { ARN, Name: 'prod/app', VersionId: 'v1' },
      ),
      ids,
    );
    const empty = buildEvents(
      record('CreateSecret', { Name: 'prod/app' }, { ARN, Name: 'prod/app' }),
      ids,
    );
    // Assess
    expect(withValue).toHaveLength(2);
    expect(withValue[0]?.detail.requestParameters).toEqual({
      name: 'prod/app',
      tags: [{ key: 'a', value: 'b' }],
    });
    expect(empty).toHaveLength(1);
  });

  it('builds a RotationSucceeded service event in the documented shape', () => {
    // Act
    const [event] = buildEvents(record('RotationSucceeded', { SecretId: ARN }, {}), ids);
    // Assess
    expect(event).toMatchObject({
      'detail-type': 'AWS Service Event via CloudTrail',
      detail: {
        eventName: 'RotationSucceeded',
        eventType: 'AwsServiceEvent',
        requestParameters: null,
        responseElements: null,
        additionalEventData: { SecretId: ARN },
      },
    });
    expect(String(event?.detail.requestID)).toMatch(new RegExp(`^Rotation-${ARN}-`));
    expect(parseSecretChangeEvent(event)).toMatchObject({
      kind: 'rotation-succeeded',
      secretId: ARN,
    });
  });

  it('carries the failure text of RotationFailed', () => {
    // Act
    const [event] = buildEvents(
      record(
        'RotationFailed',
        { SecretId: ARN },
        { errorMessage: 'Error when executing lambda f during setSecret step' },
      ),
      ids,
    );
    // Assess
    expect(event?.detail).toMatchObject({
      eventName: 'RotationFailed',
      errorMessage: 'Error when executing lambda f during setSecret step',
    });
  });

  it('builds a DeleteSecret event the parser reads as a deletion', () => {
    // Act
    const [event] = buildEvents(
      record(
        'DeleteSecret',
        { SecretId: 'prod/app', RecoveryWindowInDays: 7 },
        { ARN, Name: 'prod/app', DeletionDate: 1780000000 },
      ),
      ids,
    );
    // Assess
    expect(event?.detail.responseElements).toEqual({
      arn: ARN,
      name: 'prod/app',
      deletionDate: 1780000000,
    });
    expect(parseSecretChangeEvent(event)).toMatchObject({ kind: 'deleted', secretId: ARN });
  });
});
