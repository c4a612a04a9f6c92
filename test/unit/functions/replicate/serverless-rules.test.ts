/**
 * The replicate function's EventBridge rules as serverless.yml declares them, checked against
 * the events the local cloud builds from Secrets Manager calls: the calls that change what
 * replication copies match, the others do not.
 */
import { describe, expect, it } from 'vitest';
import { buildEvents } from '#local-cloud/events/build-events.js';
import { type EventPattern, matchesPattern } from '#local-cloud/events/pattern.js';
import { readServerlessProject } from '#local-cloud/lambda/serverless-config.js';
import { PROJECT_ROOT } from '#local-cloud/stack.js';
import type { ApiCallRecord } from '#local-cloud/types.js';

const project = readServerlessProject(PROJECT_ROOT, {
  stage: 'test',
  region: 'us-east-1',
  accountId: '123456789012',
});
const fn = (key: string) => {
  const found = project.functions.find((candidate) => candidate.key === key);
  if (found === undefined) throw new Error(`no function ${key}`);
  return found;
};
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';

const record = (
  operation: string,
  request: Record<string, unknown>,
  response: Record<string, unknown> = { ARN, Name: 'app' },
): ApiCallRecord => ({
  service: 'secretsmanager',
  operation,
  region: 'us-east-1',
  accountId: '123456789012',
  request,
  response,
  at: new Date('2026-01-01T00:00:00Z'),
});

/** The detail types of the events of `input` that some replicate rule matches. */
const matched = (input: ApiCallRecord): string[] =>
  buildEvents(input, () => 'id')
    .filter((event) =>
      fn('replicate').eventPatterns.some((pattern) =>
        matchesPattern(pattern as EventPattern, event),
      ),
    )
    .map((event) => event['detail-type']);

describe('serverless.yml: replicate rules', () => {
  it('match value changes through the CloudTrail call and the AWSCURRENT label move', () => {
    // Act
    const put = matched(record('PutSecretValue', { SecretId: ARN }, { ARN, VersionId: 'v2' }));

    // Assess
    expect(put).toEqual(['AWS API Call via CloudTrail', 'Secret Label Updated']);
  });

  it('match metadata and existence changes and RotationSucceeded', () => {
    // Act
    const all = [
      record('CreateSecret', { Name: 'app' }),
      record('UpdateSecret', { SecretId: ARN, Description: 'd' }),
      record('TagResource', { SecretId: ARN, Tags: [] }),
      record('UntagResource', { SecretId: ARN, TagKeys: [] }),
      record('DeleteSecret', { SecretId: ARN }),
      record('RestoreSecret', { SecretId: ARN }),
      record('RotationSucceeded', { SecretId: ARN }, {}),
    ].map(matched);

    // Assess
    expect(all.map((types) => types[0])).toEqual([
      ...Array.from({ length: 6 }, () => 'AWS API Call via CloudTrail'),
      'AWS Service Event via CloudTrail',
    ]);
  });

  it('do not match calls that change nothing replicated, or AWSPENDING moves', () => {
    // Act
    const ignored = [
      record('RotateSecret', { SecretId: ARN }),
      record('CancelRotateSecret', { SecretId: ARN }),
      record('RotationStarted', { SecretId: ARN }, {}),
      record('RotationFailed', { SecretId: ARN }, {}),
    ].flatMap(matched);
    const pending = matched(
      record(
        'PutSecretValue',
        { SecretId: ARN, VersionStages: ['AWSPENDING'] },
        { ARN, VersionId: 'v3' },
      ),
    );

    // Assess
    expect(ignored).toEqual([]);
    // The CloudTrail call still reaches the function, which ignores a value staged as AWSPENDING.
    expect(pending).toEqual(['AWS API Call via CloudTrail']);
  });
});

describe('serverless.yml: replicate', () => {
  it('passes the replicated-secret prefix its role is scoped to', () => {
    // Act
    const replicate = fn('replicate');

    // Assess
    expect(replicate.environment).toMatchObject({ ROTASYNC_REPLICATED_SECRET_PREFIX: '' });
  });
});

describe('serverless.yml: reconcile', () => {
  it('runs hourly by default and has the replication settings in its environment', () => {
    // Act
    const reconcile = fn('reconcile');

    // Assess
    expect(reconcile.schedules).toEqual(['rate(1 hour)']);
    expect(reconcile.environment).toMatchObject({
      ROTASYNC_REPLICA_REGIONS: '',
      ROTASYNC_REPLICATE_DELETES: 'false',
      ROTASYNC_RECONCILE_WRITES_PER_SECOND: '10',
      ROTASYNC_REPLICATED_SECRET_PREFIX: '',
    });
  });
});
