import { describe, expect, it } from 'vitest';
import { createHarness, holdersOf, TOKEN_A, TOKEN_B } from './sm-harness.js';

describe('ClientRequestToken idempotency', () => {
  it('creates nothing new when the same token comes with the same value', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    h.call('PutSecretValue', { SecretId: 'app', SecretString: 'v2', ClientRequestToken: TOKEN_A });
    // Act
    const retry = h.call('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_A,
    });
    // Assess
    expect(retry.VersionId).toBe(TOKEN_A);
    const versions = h.call('ListSecretVersionIds', { SecretId: 'app', IncludeDeprecated: true })
      .Versions as unknown[];
    expect(versions).toHaveLength(2);
  });

  it('answers ResourceExistsException for the same token with a different value', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1', ClientRequestToken: TOKEN_A });
    // Act
    const code = h.codeOf('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'other',
      ClientRequestToken: TOKEN_A,
    });
    // Assess
    expect(code).toBe('ResourceExistsException');
    expect(h.call('GetSecretValue', { SecretId: 'app' }).SecretString).toBe('v1');
  });

  it('treats SecretString and SecretBinary of the same text as different values', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'aGk=', ClientRequestToken: TOKEN_A });
    // Act
    const code = h.codeOf('PutSecretValue', {
      SecretId: 'app',
      SecretBinary: 'aGk=',
      ClientRequestToken: TOKEN_A,
    });
    // Assess
    expect(code).toBe('ResourceExistsException');
  });

  it('fills the value-less AWSPENDING placeholder of a rotation', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    h.call('RotateSecret', {
      SecretId: 'app',
      ClientRequestToken: TOKEN_B,
      RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
    });
    const before = h.codeOf('GetSecretValue', {
      SecretId: 'app',
      VersionId: TOKEN_B,
      VersionStage: 'AWSPENDING',
    });
    // Act
    h.call('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_B,
      VersionStages: ['AWSPENDING'],
    });
    // Assess
    expect(before).toBe('ResourceNotFoundException');
    const pending = h.call('GetSecretValue', { SecretId: 'app', VersionStage: 'AWSPENDING' });
    expect(pending.SecretString).toBe('v2');
    expect(pending.VersionId).toBe(TOKEN_B);
  });

  it('succeeds for a retried CreateSecret with the same token and value', () => {
    // Prepare
    const h = createHarness();
    const first = h.call('CreateSecret', {
      Name: 'app',
      SecretString: 'v1',
      ClientRequestToken: TOKEN_A,
    });
    // Act
    const retry = h.call('CreateSecret', {
      Name: 'app',
      SecretString: 'v1',
      ClientRequestToken: TOKEN_A,
    });
    const clash = h.codeOf('CreateSecret', {
      Name: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_A,
    });
    // Assess
    expect(retry).toEqual(first);
    expect(clash).toBe('ResourceExistsException');
  });

  it('rejects tokens outside 32..64 characters and values over 65,536 bytes', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    // Act
    const shortToken = h.codeOf('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'x',
      ClientRequestToken: 'short',
    });
    const huge = h.codeOf('PutSecretValue', { SecretId: 'app', SecretString: 'é'.repeat(32_769) });
    const both = h.codeOf('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'x',
      SecretBinary: 'eA==',
    });
    const none = h.codeOf('PutSecretValue', { SecretId: 'app' });
    // Assess
    // Model constraints (token and value length) are ValidationException; service rules are not.
    expect([shortToken, huge, both, none]).toEqual([
      'ValidationException',
      'ValidationException',
      'InvalidParameterException',
      'InvalidParameterException',
    ]);
    expect(holdersOf(h, 'app', 'AWSCURRENT')).toHaveLength(1);
  });
});
