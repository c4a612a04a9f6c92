import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InternalServiceError,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { Stage } from '#shared/aws/secret-store.js';
import { SecretsManagerStore } from '#shared/aws/secrets-manager-store.js';
import { SecretFormatError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';

const sm = mockClient(SecretsManagerClient);
const TOKEN = '0f7d8e2a-3c4b-4d5e-8f6a-7b8c9d0e1f2a';
const store = new SecretsManagerStore(new SecretsManagerClient({}));

beforeEach(() => {
  sm.reset();
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
    expect(metadata.rotationEnabled).toBe(enabled);
    expect(metadata.versions).toEqual({});
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

  it('lets other read errors through', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(
      new InternalServiceError({ message: 'boom', $metadata: {} }),
    );
    // Act
    const run = store.read('app', Stage.Current);
    // Assess
    await expect(run).rejects.toBeInstanceOf(InternalServiceError);
  });

  it('puts the pending version under the token, AWSPENDING only, with the RotationToken', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).resolves({ VersionId: TOKEN });
    // Act
    const outcome = await store.putPending('app', TOKEN, new Sensitive('{"p":1}'), 'rt-1');
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
    await store.putPending('app', TOKEN, new Sensitive('{}'));
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
    const outcome = await store.putPending('app', TOKEN, new Sensitive('{}'));
    // Assess
    expect(outcome).toBe('exists');
  });

  it('lets other put errors through', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).rejects(
      new InternalServiceError({ message: 'boom', $metadata: {} }),
    );
    // Act
    const run = store.putPending('app', TOKEN, new Sensitive('{}'));
    // Assess
    await expect(run).rejects.toBeInstanceOf(InternalServiceError);
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
