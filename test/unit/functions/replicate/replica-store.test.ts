import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSecretsManagerReplicaStore,
  type ReplicaStoreError,
} from '#shared/aws/replica-store.js';
import { Sensitive } from '#shared/sensitive.js';
import { CANARY } from './helpers.js';

const sm = mockClient(SecretsManagerClient);
beforeEach(() => sm.reset());

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';
const regions: string[] = [];
const store = createSecretsManagerReplicaStore((region) => {
  regions.push(region);
  return new SecretsManagerClient({ region });
});

describe('SecretsManagerRegionalSecrets', () => {
  it('makes one client per Region and reuses it', () => {
    // Act
    const a = store('eu-west-1');
    const b = store('eu-west-1');
    store('us-west-2');
    // Assess
    expect(a).toBe(b);
    expect(regions).toEqual(['eu-west-1', 'us-west-2']);
  });

  it('describes tags, KMS key, description and the AWSCURRENT version; missing is undefined', async () => {
    // Prepare
    sm.on(DescribeSecretCommand, { SecretId: 'app' }).resolves({
      ARN,
      Name: 'app',
      Description: 'd',
      KmsKeyId: 'alias/dr',
      Tags: [{ Key: 'team', Value: 'x' }],
      VersionIdsToStages: { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'AWSPENDING'] },
    });
    sm.on(DescribeSecretCommand, { SecretId: 'gone' }).rejects(
      new ResourceNotFoundException({ message: 'none', $metadata: {} }),
    );
    // Act
    const found = await store('eu-west-1').describe('app');
    const missing = await store('eu-west-1').describe('gone');
    // Assess
    expect(found).toEqual({
      arn: ARN,
      name: 'app',
      description: 'd',
      kmsKeyId: 'alias/dr',
      tags: { team: 'x' },
      currentVersionId: 'v2',
      versionIds: ['v1', 'v2'],
      deleted: false,
      rotationEnabled: false,
    });
    expect(missing).toBeUndefined();
  });

  it('reads the current value with its version and date, wrapped as Sensitive', async () => {
    // Prepare
    const created = new Date('2026-01-01T00:00:00Z');
    sm.on(GetSecretValueCommand).resolves({
      ARN,
      Name: 'app',
      VersionId: 'v2',
      CreatedDate: created,
      SecretString: CANARY,
    });
    // Act
    const current = await store('eu-west-1').readCurrent('app');
    // Assess
    expect(current?.value.reveal()).toBe(CANARY);
    expect(JSON.stringify(current)).not.toContain(CANARY);
    expect(current).toMatchObject({ versionId: 'v2', createdDate: created });
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'app',
      VersionStage: 'AWSCURRENT',
    });
  });

  it('reads a batch keyed by the ids asked for, missing ones as undefined', async () => {
    // Prepare
    sm.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [
        { ARN, Name: 'app', VersionId: 'v2', SecretString: 'x', CreatedDate: new Date(0) },
      ],
      Errors: [{ SecretId: 'gone', ErrorCode: 'ResourceNotFoundException', Message: 'none' }],
    });
    // Act
    const values = await store('eu-west-1').readCurrentBatch(['app', 'gone']);
    // Assess
    expect(values.get('app')?.versionId).toBe('v2');
    expect(values.has('gone')).toBe(true);
    expect(values.get('gone')).toBeUndefined();
    expect(sm).toHaveReceivedCommandWith(BatchGetSecretValueCommand, {
      SecretIdList: ['app', 'gone'],
    });
  });

  it('creates with token, KMS key, description and tags; an existing name is "exists"', async () => {
    // Prepare
    sm.on(CreateSecretCommand)
      .resolvesOnce({})
      .rejectsOnce(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    const secret = {
      name: 'app',
      token: 'tok-0123456789-0123456789-0123456789',
      value: new Sensitive('v'),
      kmsKeyId: 'k',
      description: 'd',
      tags: { a: 'b' },
    };
    // Act
    const first = await store('eu-west-1').create(secret);
    const second = await store('eu-west-1').create(secret);
    // Assess
    expect([first, second]).toEqual(['created', 'exists']);
    expect(sm).toHaveReceivedCommandWith(CreateSecretCommand, {
      Name: 'app',
      ClientRequestToken: secret.token,
      SecretString: 'v',
      KmsKeyId: 'k',
      Description: 'd',
      Tags: [{ Key: 'a', Value: 'b' }],
    });
  });

  it('puts with the token and promotes with UpdateSecretVersionStage', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    // Act
    await store('eu-west-1').putValue('app', 'tok', new Sensitive('v'));
    await store('eu-west-1').promote('app', 'new', 'old');
    // Assess
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: 'app',
      ClientRequestToken: 'tok',
      SecretString: 'v',
    });
    expect(sm).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: 'app',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'new',
      RemoveFromVersionId: 'old',
    });
  });

  it('classifies throttling and network failures as transient, access denial as not', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    const denied = Object.assign(new Error('no'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    const network = Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
    sm.on(PutSecretValueCommand).rejectsOnce(throttled).rejectsOnce(denied).rejectsOnce(network);
    const put = () =>
      store('eu-west-1')
        .putValue('app', 'tok', new Sensitive(CANARY))
        .catch((e: unknown) => e);
    // Act
    const errors = [await put(), await put(), await put()] as ReplicaStoreError[];
    // Assess
    expect(errors.map((e) => [e.code, e.transient])).toEqual([
      ['ThrottlingException', true],
      ['AccessDeniedException', false],
      ['Error', true],
    ]);
    expect(errors[0]?.message).toBe(
      'PutSecretValue in eu-west-1 for secret app: Secrets Manager answered ThrottlingException',
    );
  });

  it('lists a page with a tag-key filter', async () => {
    // Prepare
    sm.on(ListSecretsCommand).resolves({
      SecretList: [
        {
          ARN,
          Name: 'app',
          Tags: [{ Key: 'rotasync:source-arn', Value: 'arn:src' }],
          SecretVersionsToStages: { v: ['AWSCURRENT'] },
        },
      ],
      NextToken: 'n2',
    });
    // Act
    const page = await store('eu-west-1').list({ tagKey: 'rotasync:source-arn', nextToken: 'n1' });
    // Assess
    expect(page.nextToken).toBe('n2');
    expect(page.secrets[0]).toMatchObject({
      name: 'app',
      currentVersionId: 'v',
      tags: { 'rotasync:source-arn': 'arn:src' },
    });
    expect(sm).toHaveReceivedCommandWith(ListSecretsCommand, {
      MaxResults: 100,
      NextToken: 'n1',
      Filters: [{ Key: 'tag-key', Values: ['rotasync:source-arn'] }],
    });
  });

  it('adds a name filter for a name prefix, and none for the empty prefix', async () => {
    // Prepare
    sm.on(ListSecretsCommand).resolves({ SecretList: [] });
    // Act
    await store('eu-west-1').list({ tagKey: 'rotasync:source-arn', namePrefix: 'prod/' });
    await store('eu-west-1').list({ namePrefix: '' });
    // Assess
    expect(sm).toHaveReceivedNthCommandWith(ListSecretsCommand, 1, {
      MaxResults: 100,
      Filters: [
        { Key: 'tag-key', Values: ['rotasync:source-arn'] },
        { Key: 'name', Values: ['prod/'] },
      ],
    });
    const second = sm.commandCalls(ListSecretsCommand)[1]?.args[0].input;
    expect(second).toEqual({ MaxResults: 100 });
  });
});
