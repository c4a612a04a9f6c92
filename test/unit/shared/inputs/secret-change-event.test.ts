import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '#shared/errors.js';
import { parseSecretChangeEvent } from '#shared/inputs/secret-change-event.js';
import { readProjectFile } from '#test/helpers/project-files.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-db-AbCdEf';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readProjectFile(`events/replicate-${name}.json`));

const withDetail = (name: string, patch: Record<string, unknown>): Record<string, unknown> => {
  const event = sample(name);
  return { ...event, detail: { ...(event.detail as Record<string, unknown>), ...patch } };
};

const expectInvalid = (input: unknown, field: string): void => {
  let caught: unknown;
  try {
    parseSecretChangeEvent(input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidEventError);
  expect((caught as InvalidEventError).field).toBe(field);
};

describe('parseSecretChangeEvent: documented shapes', () => {
  it.each([
    ['label-updated', 'value-changed', ARN, 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111'],
    ['create-secret', 'created', 'prod/app-db', 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE'],
    ['put-secret-value', 'value-changed', ARN, '4d383ea9-084a-49c9-8722-cbfb0f25c456'],
    ['update-secret', 'value-changed', ARN, '6f5a0ac1-2a6e-4b1b-9944-edfd2a47e678'],
    ['update-secret-version-stage', 'value-changed', ARN, '4d383ea9-084a-49c9-8722-cbfb0f25c456'],
    ['tag-resource', 'metadata-changed', ARN, undefined],
    ['untag-resource', 'metadata-changed', ARN, undefined],
    ['delete-secret', 'deleted', ARN, undefined],
    ['restore-secret', 'restored', ARN, undefined],
    ['rotation-succeeded', 'rotation-succeeded', ARN, undefined],
    ['rotation-succeeded-service-details', 'rotation-succeeded', ARN, undefined],
  ])('parses events/replicate-%s.json as %s', (name, kind, secretId, versionId) => {
    // Prepare
    const event = sample(name);
    // Act
    const parsed = parseSecretChangeEvent(event);
    // Assess
    expect(parsed).toEqual({
      outcome: 'change',
      kind,
      secretId,
      region: 'us-east-1',
      time: event.time,
      ...(versionId === undefined ? {} : { versionId }),
    });
  });

  it.each([
    ['label-updated-custom', 'label blue moved, not AWSCURRENT'],
    ['put-secret-value-pending', 'PutSecretValue staged a version without AWSCURRENT'],
    ['failed-call', 'PutSecretValue failed with ResourceExistsException'],
  ])('ignores events/replicate-%s.json', (name, reason) => {
    // Prepare
    const event = sample(name);
    // Act
    const parsed = parseSecretChangeEvent(event);
    // Assess
    expect(parsed).toEqual({ outcome: 'ignored', reason });
  });

  it('reads the id from the older aRN response key, then from the request', () => {
    // Prepare
    const byRequest = withDetail('delete-secret', { responseElements: null });
    // Act
    const parsed = parseSecretChangeEvent(byRequest);
    // Assess
    expect(parsed).toMatchObject({ kind: 'deleted', secretId: 'prod/app-db' });
  });

  it('takes the secret name from detail.name when resources is empty', () => {
    // Prepare
    const event = { ...sample('label-updated'), resources: [] };
    // Act
    const parsed = parseSecretChangeEvent(event);
    // Assess
    expect(parsed).toMatchObject({ secretId: 'prod/app-db', kind: 'value-changed' });
  });

  it('treats UpdateSecret without a token as a metadata change', () => {
    // Prepare
    const event = withDetail('update-secret', {
      requestParameters: { secretId: 'prod/app-db', description: 'new' },
    });
    // Act
    const parsed = parseSecretChangeEvent(event);
    // Assess
    expect(parsed).toEqual({
      outcome: 'change',
      kind: 'metadata-changed',
      secretId: ARN,
      region: 'us-east-1',
      time: '2024-10-23T12:30:00Z',
    });
  });

  it('ignores UpdateSecretVersionStage moving another label', () => {
    // Prepare
    const event = withDetail('update-secret-version-stage', {
      requestParameters: { secretId: ARN, versionStage: 'AWSPENDING', removeFromVersionId: 'v1' },
    });
    // Act
    const parsed = parseSecretChangeEvent(event);
    // Assess
    expect(parsed).toEqual({
      outcome: 'ignored',
      reason: 'UpdateSecretVersionStage moved AWSPENDING, not AWSCURRENT',
    });
  });

  it.each([
    ['RotateSecret', 'RotateSecret does not change what replication copies'],
    ['GetSecretValue', 'GetSecretValue does not change what replication copies'],
  ])('ignores %s calls', (eventName, reason) => {
    // Prepare
    const event = withDetail('put-secret-value', { eventName });
    // Act
    const parsed = parseSecretChangeEvent(event);
    // Assess
    expect(parsed).toEqual({ outcome: 'ignored', reason });
  });

  it('ignores other service events such as RotationFailed', () => {
    // Prepare
    const event = withDetail('rotation-succeeded', { eventName: 'RotationFailed' });
    // Act
    const parsed = parseSecretChangeEvent(event);
    // Assess
    expect(parsed).toEqual({ outcome: 'ignored', reason: 'service event RotationFailed' });
  });
});

describe('parseSecretChangeEvent: malformed input', () => {
  it.each([
    ['a string', 'event', 'hello'],
    ['no source', 'source', { ...sample('label-updated'), source: undefined }],
    ['another source', 'source', { ...sample('label-updated'), source: 'aws.rds' }],
    ['no detail-type', 'detail-type', { ...sample('label-updated'), 'detail-type': 7 }],
    ['an unknown detail-type', 'detail-type', { ...sample('label-updated'), 'detail-type': 'X' }],
    ['no region', 'region', { ...sample('label-updated'), region: '' }],
    ['no detail', 'detail', { ...sample('put-secret-value'), detail: [] }],
    ['no label version', 'detail.versionId', withDetail('label-updated', { versionId: 3 })],
    [
      'no secret id in a call',
      'detail.requestParameters.secretId',
      withDetail('put-secret-value', { responseElements: null, requestParameters: {} }),
    ],
    [
      'no secret id in RotationSucceeded',
      'detail.additionalEventData.SecretId',
      withDetail('rotation-succeeded', { additionalEventData: {} }),
    ],
    [
      'an unprintable id',
      'detail.responseElements.arn',
      withDetail('put-secret-value', { responseElements: { arn: 'a\nb' } }),
    ],
  ])('rejects %s with InvalidEventError naming %s', (_label, fieldName, input) => {
    expectInvalid(input, fieldName);
  });

  it('never throws anything but InvalidEventError on hostile input', () => {
    // Prepare
    const names = [
      'label-updated',
      'put-secret-value',
      'delete-secret',
      'rotation-succeeded',
      'create-secret',
    ];
    const mutated = fc
      .tuple(
        fc.constantFrom(...names),
        fc.constantFrom('detail', 'resources', 'source', 'detail-type', 'region', 'time'),
        fc.anything({ withNullPrototype: true, withObjectString: true }),
      )
      .map(([name, key, value]) => ({ ...sample(name), [key]: value }));
    const mutatedDetail = fc
      .tuple(fc.constantFrom(...names), fc.string(), fc.anything({ withNullPrototype: true }))
      .map(([name, key, value]) => withDetail(name, { [key]: value }));
    // Act + Assess
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated, mutatedDetail), (input) => {
        try {
          const parsed = parseSecretChangeEvent(input);
          expect(['change', 'ignored']).toContain(parsed.outcome);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
