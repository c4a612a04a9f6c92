/**
 * Conformance: RotateSecret and CancelRotateSecret through the public API only. No rotation
 * function is assumed to exist, so these tests cover validation and the error rules; rotations
 * that run a function belong to test/integration/.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
 */
import {
  CancelRotateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { accountOf, type CreatedSecret, useConformance } from './harness.js';

const cf = useConformance();

/** A function ARN in the secret's Region and account; no such function exists. */
const absentFunctionArn = (secret: CreatedSecret): string =>
  `arn:aws:lambda:${cf.target.region}:${accountOf(secret.arn)}:function:rotasync-conformance-absent`;

describe('RotateSecret validation', () => {
  it('fails with InvalidRequestException when no rotation function is configured or given', async () => {
    // Prepare
    const created = await cf.createSecret('rotate-no-lambda', { SecretString: 'v' });
    const before = await cf.stagesOf(created.arn);

    // Act / Assess
    await expect(
      cf.sm.send(new RotateSecretCommand({ SecretId: created.arn })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect(await cf.stagesOf(created.arn)).toEqual(before);
    expect((await cf.describe(created.arn)).RotationEnabled ?? false).toBe(false);
  });

  it('fails with InvalidRequestException without a function also when RotateImmediately is false', async () => {
    // Prepare
    const created = await cf.createSecret('rotate-later-no-lambda', { SecretString: 'v' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new RotateSecretCommand({
          SecretId: created.arn,
          RotateImmediately: false,
          RotationRules: { AutomaticallyAfterDays: 30 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect((await cf.describe(created.arn)).RotationEnabled ?? false).toBe(false);
  });

  it('fails with InvalidParameterException when RotationRules has both AutomaticallyAfterDays and ScheduleExpression', async () => {
    // Prepare
    const created = await cf.createSecret('rotate-both-rules', { SecretString: 'v' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new RotateSecretCommand({
          SecretId: created.arn,
          RotationLambdaARN: absentFunctionArn(created),
          RotationRules: { AutomaticallyAfterDays: 30, ScheduleExpression: 'rate(10 days)' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect((await cf.describe(created.arn)).RotationEnabled ?? false).toBe(false);
  });

  it.each(['rate(1 hours)', 'rate(3 hours)'])(
    'fails with InvalidParameterException for %s, more often than every 4 hours',
    async (expression) => {
      // Prepare
      const created = await cf.createSecret('rotate-too-often', { SecretString: 'v' });

      // Act / Assess
      await expect(
        cf.sm.send(
          new RotateSecretCommand({
            SecretId: created.arn,
            RotationLambdaARN: absentFunctionArn(created),
            RotationRules: { ScheduleExpression: expression },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
      expect((await cf.describe(created.arn)).RotationEnabled ?? false).toBe(false);
    },
  );

  it('fails with InvalidParameterException for a ScheduleExpression that is neither rate() nor cron()', async () => {
    // Prepare
    const created = await cf.createSecret('rotate-bad-expression', { SecretString: 'v' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new RotateSecretCommand({
          SecretId: created.arn,
          RotationLambdaARN: absentFunctionArn(created),
          RotationRules: { ScheduleExpression: 'every tuesday' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('fails with InvalidRequestException "A previous rotation isn\'t complete" while AWSPENDING is on another version', async () => {
    // Prepare: stage a second version, then attach AWSPENDING to it as a stalled rotation would.
    const created = await cf.createSecret('rotate-pending', { SecretString: 'v1' });
    const staged = await cf.sm.send(
      new PutSecretValueCommand({
        SecretId: created.arn,
        SecretString: 'v2',
        VersionStages: ['staged'],
      }),
    );
    await cf.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: created.arn,
        VersionStage: 'AWSPENDING',
        MoveToVersionId: staged.VersionId,
      }),
    );
    const before = await cf.stagesOf(created.arn);

    // Act / Assess
    await expect(
      cf.sm.send(
        new RotateSecretCommand({
          SecretId: created.arn,
          RotationLambdaARN: absentFunctionArn(created),
          RotationRules: { AutomaticallyAfterDays: 30 },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/A previous rotation isn.t complete/),
    });
    expect(await cf.stagesOf(created.arn)).toEqual(before);
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('rotate-missing');

    // Act / Assess
    await expect(
      cf.sm.send(
        new RotateSecretCommand({
          SecretId: missing,
          RotationLambdaARN: `arn:aws:lambda:${cf.target.region}:123456789012:function:absent`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('fails with InvalidRequestException for a secret scheduled for deletion', async () => {
    // Prepare
    const created = await cf.createSecret('rotate-deleted', { SecretString: 'v' });
    await cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 }));

    // Act / Assess
    await expect(
      cf.sm.send(
        new RotateSecretCommand({
          SecretId: created.arn,
          RotationLambdaARN: absentFunctionArn(created),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });
});

describe('CancelRotateSecret', () => {
  it('on a secret without rotation succeeds and leaves rotation off', async () => {
    // Prepare
    const created = await cf.createSecret('cancel-none', { SecretString: 'v' });
    const before = await cf.stagesOf(created.arn);

    // Act
    const out = await cf.sm.send(new CancelRotateSecretCommand({ SecretId: created.name }));

    // Assess
    expect(out.ARN).toBe(created.arn);
    expect(out.Name).toBe(created.name);
    expect((await cf.describe(created.arn)).RotationEnabled ?? false).toBe(false);
    expect(await cf.stagesOf(created.arn)).toEqual(before);
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('cancel-missing');

    // Act / Assess
    await expect(
      cf.sm.send(new CancelRotateSecretCommand({ SecretId: missing })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('fails with InvalidRequestException for a secret scheduled for deletion', async () => {
    // Prepare
    const created = await cf.createSecret('cancel-deleted', { SecretString: 'v' });
    await cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 }));

    // Act / Assess
    await expect(
      cf.sm.send(new CancelRotateSecretCommand({ SecretId: created.arn })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });
});
