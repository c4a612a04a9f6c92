import { describe, expect, it } from 'vitest';
import { createHarness, TOKEN_A } from './sm-harness.js';

/** The error `call` throws, as `{ code, message }`. */
const failureOf = (
  h: ReturnType<typeof createHarness>,
  operation: string,
  body: Record<string, unknown>,
): { code: string; message: string } => {
  try {
    h.call(operation, body);
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error(`${operation} did not fail`);
};

const CANARY = 'canary-Zq7!';

describe('model constraint violations', () => {
  it('answers ValidationException in the service wording for PasswordLength 4097', () => {
    // Prepare
    const h = createHarness();
    // Act
    const failure = failureOf(h, 'GetRandomPassword', { PasswordLength: 4097 });
    // Assess
    expect(failure).toEqual({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096",
    });
  });

  it('gives the size of an oversized SecretString, never the value', () => {
    // Prepare
    const h = createHarness();
    const value = CANARY + 'x'.repeat(65_537 - CANARY.length);
    // Act
    const failure = failureOf(h, 'CreateSecret', { Name: 'app', SecretString: value });
    // Assess
    expect(failure.code).toBe('ValidationException');
    expect(failure.message).toBe(
      "1 validation error detected: Value of length 65537 at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
    );
    expect(failure.message).not.toContain(CANARY);
  });

  it('checks RotationToken against the model pattern without echoing it', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    const token = `${CANARY}${'a'.repeat(40)}`;
    // Act
    const failure = failureOf(h, 'PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      RotationToken: token,
    });
    // Assess
    expect(failure.code).toBe('ValidationException');
    expect(failure.message).toContain("at 'rotationToken'");
    expect(failure.message).not.toContain(CANARY);
  });

  it('reports a missing required member and a value outside an enum', () => {
    // Prepare
    const h = createHarness();
    // Act
    const missing = failureOf(h, 'DescribeSecret', {});
    const sortBy = failureOf(h, 'ListSecrets', { SortBy: 'toString' });
    // Assess
    expect(missing).toEqual({
      code: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    });
    expect(sortBy.code).toBe('ValidationException');
    expect(sortBy.message).toContain('Member must satisfy enum value set: [created-date');
  });

  it('keeps service rules (recovery window 7..30) as InvalidParameterException', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    // Act
    const code = h.codeOf('DeleteSecret', { SecretId: 'app', RecoveryWindowInDays: 31 });
    // Assess
    expect(code).toBe('InvalidParameterException');
  });
});

describe('NextToken', () => {
  it('answers InvalidNextTokenException for a token it did not issue', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    const forged = Buffer.from('not-a-real-token').toString('base64');
    // Act
    const codes = [
      h.codeOf('ListSecrets', { NextToken: forged }),
      h.codeOf('ListSecretVersionIds', { SecretId: 'app', NextToken: forged }),
      h.codeOf('BatchGetSecretValue', {
        Filters: [{ Key: 'name', Values: ['app'] }],
        NextToken: forged,
      }),
    ];
    // Assess
    expect(codes).toEqual(Array(3).fill('InvalidNextTokenException'));
  });
});

describe('DeleteSecret with ForceDeleteWithoutRecovery', () => {
  it('succeeds for a secret that does not exist, echoing the name', () => {
    // Prepare
    const h = createHarness();
    // Act
    const out = h.call('DeleteSecret', {
      SecretId: 'never-made',
      ForceDeleteWithoutRecovery: true,
    });
    // Assess
    expect(out).toEqual({
      ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:never-made',
      Name: 'never-made',
      DeletionDate: Date.UTC(2026, 0, 1) / 1000,
    });
    expect(h.codeOf('DeleteSecret', { SecretId: 'never-made' })).toBe('ResourceNotFoundException');
  });

  it('echoes a full ARN it was given for a secret already deleted', () => {
    // Prepare
    const h = createHarness();
    const arn = h.call('CreateSecret', { Name: 'app', SecretString: 'v1' }).ARN as string;
    h.call('DeleteSecret', { SecretId: arn, ForceDeleteWithoutRecovery: true });
    // Act
    const again = h.call('DeleteSecret', { SecretId: arn, ForceDeleteWithoutRecovery: true });
    // Assess
    expect(again.ARN).toBe(arn);
    expect(again.Name).toBe(arn.slice(arn.indexOf(':secret:') + ':secret:'.length));
  });
});

describe('RotateSecret while a rotation is incomplete', () => {
  it('reports the incomplete rotation even without a function invoker', () => {
    // Prepare
    const h = createHarness({ canInvoke: false });
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    h.call('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_A,
      VersionStages: ['AWSPENDING'],
    });
    // Act
    const failure = failureOf(h, 'RotateSecret', {
      SecretId: 'app',
      RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
    });
    // Assess
    expect(failure).toEqual({
      code: 'InvalidRequestException',
      message: "A previous rotation isn't complete. That rotation will be reattempted.",
    });
    expect(h.started).toEqual([]);
  });
});
