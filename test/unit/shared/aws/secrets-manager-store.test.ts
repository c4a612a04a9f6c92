import {
  BatchGetSecretValueCommand,
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InternalServiceError,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { Stage } from '#shared/aws/secret-store.js';
import { SecretsManagerStore, secretsManagerStores } from '#shared/aws/secrets-manager-store.js';
import { AwsCallError, SecretFormatError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';

const sm = mockClient(SecretsManagerClient);
const TOKEN = '0f7d8e2a-3c4b-4d5e-8f6a-7b8c9d0e1f2a';
const store = new SecretsManagerStore(new SecretsManagerClient({}));

beforeEach(() => {
  sm.reset();
});

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';
const CANARY = 'Canary-Pa55word-7f3a9c';
const regions: string[] = [];
const stores = secretsManagerStores((region) => {
  regions.push(region ?? '');
  return new SecretsManagerClient({ ...(region === undefined ? {} : { region }) });
});

describe('SecretsManagerStore', () => {
  it('describes a secret: ARN, name, rotation, versions and tags', async () => {
    // Prepare
    sm.on(DescribeSecretCommand).resolves({
      ARN: 'arn:app',
      Name: 'app',
      RotationEnabled: true,
      VersionIdsToStages: { v1: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
      Tags: [{ Key: 'team', Value: 'db' }],
    });
    // Act
    const metadata = await store.describe('app');
    // Assess
    expect(metadata).toEqual({
      arn: 'arn:app',
      name: 'app',
      rotationEnabled: true,
      versions: { v1: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] },
      currentVersionId: 'v1',
      deleted: false,
      tags: { team: 'db' },
    });
    expect(sm).toReceiveCommandWith(DescribeSecretCommand, { SecretId: 'app' });
  });

  it.each([
    [false, false],
    [undefined, true],
  ])('reads RotationEnabled %s as %s, as the templates do', async (flag, enabled) => {
    // Prepare
    sm.on(DescribeSecretCommand).resolves({ ARN: 'arn:app', Name: 'app', RotationEnabled: flag });
    // Act
    const metadata = await store.describe('app');
    // Assess
    expect(metadata?.rotationEnabled).toBe(enabled);
    expect(metadata?.versions).toEqual({});
  });

  it('reads by stage and version id', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({
      VersionId: TOKEN,
      SecretString: '{"a":1}',
      VersionStages: ['AWSPENDING'],
    });
    // Act
    const version = await store.read('app', Stage.Pending, TOKEN);
    // Assess
    expect(version?.value.reveal()).toBe('{"a":1}');
    expect(version?.versionId).toBe(TOKEN);
    expect(version?.stages).toEqual(['AWSPENDING']);
    expect(sm).toReceiveCommandWith(GetSecretValueCommand, {
      SecretId: 'app',
      VersionStage: 'AWSPENDING',
      VersionId: TOKEN,
    });
  });

  it('reads by stage alone without a VersionId', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({
      VersionId: 'v1',
      SecretString: '{}',
      VersionStages: ['AWSCURRENT'],
    });
    // Act
    await store.read('app', Stage.Current);
    // Assess
    const input = sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input;
    expect(input).toEqual({ SecretId: 'app', VersionStage: 'AWSCURRENT' });
  });

  it('reads a missing version as undefined', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: 'none', $metadata: {} }),
    );
    // Act
    const version = await store.read('app', Stage.Pending, TOKEN);
    // Assess
    expect(version).toBeUndefined();
  });

  it('refuses a binary secret with SecretFormatError', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({ VersionId: 'v1', SecretBinary: new Uint8Array([1]) });
    // Act
    const run = store.read('app', Stage.Current);
    // Assess
    await expect(run).rejects.toBeInstanceOf(SecretFormatError);
  });

  it('wraps other read errors as AwsCallError, keeping the original as cause', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(
      new InternalServiceError({ message: 'boom', $metadata: {} }),
    );
    // Act
    const error = await store.read('app', Stage.Current).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).code).toBe('InternalServiceError');
    expect((error as AwsCallError).cause).toBeInstanceOf(InternalServiceError);
  });

  it('puts the pending version under the token, AWSPENDING only, with the RotationToken', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).resolves({ VersionId: TOKEN });
    // Act
    const outcome = await store.putValue('app', TOKEN, new Sensitive('{"p":1}'), {
      stages: [Stage.Pending],
      rotationToken: 'rt-1',
    });
    // Assess
    expect(outcome).toBe('created');
    expect(sm).toReceiveCommandWith(PutSecretValueCommand, {
      SecretId: 'app',
      ClientRequestToken: TOKEN,
      SecretString: '{"p":1}',
      VersionStages: ['AWSPENDING'],
      RotationToken: 'rt-1',
    });
  });

  it('omits RotationToken when none is given', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).resolves({ VersionId: TOKEN });
    // Act
    await store.putValue('app', TOKEN, new Sensitive('{}'));
    // Assess
    const input = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(input && 'RotationToken' in input).toBe(false);
  });

  it('answers exists when the token already holds another value', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).rejects(
      new ResourceExistsException({ message: 'exists', $metadata: {} }),
    );
    // Act
    const outcome = await store.putValue('app', TOKEN, new Sensitive('{}'));
    // Assess
    expect(outcome).toBe('exists');
  });

  it('wraps other put errors as AwsCallError', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).rejects(
      new InternalServiceError({ message: 'boom', $metadata: {} }),
    );
    // Act
    const run = store.putValue('app', TOKEN, new Sensitive('{}'));
    // Assess
    await expect(run).rejects.toBeInstanceOf(AwsCallError);
  });

  it('promotes by moving AWSCURRENT from the given version', async () => {
    // Prepare
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    // Act
    await store.promote('app', TOKEN, 'v1');
    // Assess
    expect(sm).toReceiveCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: 'app',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'v1',
    });
  });

  it('promotes without RemoveFromVersionId when no version holds AWSCURRENT', async () => {
    // Prepare
    sm.on(UpdateSecretVersionStageCommand).resolves({});
    // Act
    await store.promote('app', TOKEN, undefined);
    // Assess
    const input = sm.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input;
    expect(input).toEqual({ SecretId: 'app', VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN });
  });
});

describe('secretsManagerStores: one store per Region', () => {
  it('makes one client per Region and reuses it', () => {
    // Act
    const a = stores('eu-west-1');
    const b = stores('eu-west-1');
    stores('us-west-2');
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
    const found = await stores('eu-west-1').describe('app');
    const missing = await stores('eu-west-1').describe('gone');
    // Assess
    expect(found).toEqual({
      arn: ARN,
      name: 'app',
      description: 'd',
      kmsKeyId: 'alias/dr',
      tags: { team: 'x' },
      currentVersionId: 'v2',
      versions: { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'AWSPENDING'] },
      deleted: false,
      rotationEnabled: true,
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
    const current = await stores('eu-west-1').read('app');
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
    const values = await stores('eu-west-1').readCurrentBatch(['app', 'gone']);
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
    const first = await stores('eu-west-1').create(secret);
    const second = await stores('eu-west-1').create(secret);
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
    await stores('eu-west-1').putValue('app', 'tok', new Sensitive('v'));
    await stores('eu-west-1').promote('app', 'new', 'old');
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
      stores('eu-west-1')
        .putValue('app', 'tok', new Sensitive(CANARY))
        .catch((e: unknown) => e);
    // Act
    const errors = [await put(), await put(), await put()] as AwsCallError[];
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
    const page = await stores('eu-west-1').list({ tagKey: 'rotasync:source-arn', nextToken: 'n1' });
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
    await stores('eu-west-1').list({ tagKey: 'rotasync:source-arn', namePrefix: 'prod/' });
    await stores('eu-west-1').list({ namePrefix: '' });
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

describe('SecretsManagerStore: the calls of disaster recovery', () => {
  it('reads the rotation function and schedule, and a never-rotated secret as having none', async () => {
    // Prepare
    sm.on(DescribeSecretCommand, { SecretId: 'rotating' }).resolves({
      ARN,
      Name: 'rotating',
      RotationEnabled: true,
      RotationLambdaARN: 'arn:aws:lambda:eu-west-1:123456789012:function:rotasync-prod-rotate',
      RotationRules: { ScheduleExpression: 'rate(7 days)', Duration: '2h' },
    });
    sm.on(DescribeSecretCommand, { SecretId: 'plain' }).resolves({ ARN, Name: 'plain' });
    // Act
    const rotating = await store.describe('rotating');
    const plain = await store.describe('plain');
    // Assess
    expect(rotating).toMatchObject({
      rotationEnabled: true,
      rotationLambdaArn: 'arn:aws:lambda:eu-west-1:123456789012:function:rotasync-prod-rotate',
      rotationRules: { scheduleExpression: 'rate(7 days)', duration: '2h' },
    });
    expect(plain?.rotationLambdaArn).toBeUndefined();
    expect(plain?.rotationRules).toBeUndefined();
  });

  it('turns rotation on without rotating now, sending a schedule or a day count, never both', async () => {
    // Prepare
    sm.on(RotateSecretCommand).resolves({ ARN });
    const lambda = 'arn:aws:lambda:eu-west-1:123456789012:function:rotasync-prod-rotate';
    // Act
    await store.enableRotation('app', lambda, {
      scheduleExpression: 'rate(30 days)',
      automaticallyAfterDays: 30,
      duration: '3h',
    });
    await store.enableRotation('app', lambda, { automaticallyAfterDays: 14 });
    // Assess
    expect(sm).toHaveReceivedNthCommandWith(RotateSecretCommand, 1, {
      SecretId: 'app',
      RotationLambdaARN: lambda,
      RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '3h' },
      RotateImmediately: false,
    });
    expect(sm).toHaveReceivedNthCommandWith(RotateSecretCommand, 2, {
      SecretId: 'app',
      RotationLambdaARN: lambda,
      RotationRules: { AutomaticallyAfterDays: 14 },
      RotateImmediately: false,
    });
  });

  it('removes tags and turns rotation off', async () => {
    // Prepare
    sm.on(UntagResourceCommand).resolves({});
    sm.on(CancelRotateSecretCommand).resolves({ ARN });
    // Act
    await store.untag('app', ['rotasync:source-arn', 'rotasync:source-version']);
    await store.cancelRotation('app');
    // Assess
    expect(sm).toHaveReceivedCommandWith(UntagResourceCommand, {
      SecretId: 'app',
      TagKeys: ['rotasync:source-arn', 'rotasync:source-version'],
    });
    expect(sm).toHaveReceivedCommandWith(CancelRotateSecretCommand, { SecretId: 'app' });
  });
});
