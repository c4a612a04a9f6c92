/**
 * Conformance: DeleteSecret (recovery window, ForceDeleteWithoutRecovery), what a secret scheduled
 * for deletion still allows, and RestoreSecret.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { useConformance } from './harness.js';

const cf = useConformance();

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

describe('DeleteSecret with a recovery window', () => {
  it('schedules deletion RecoveryWindowInDays ahead and returns ARN, Name and DeletionDate', async () => {
    // Prepare
    const created = await cf.createSecret('delete-7', { SecretString: 'v' });
    const before = Date.now();

    // Act
    const out = await cf.sm.send(
      new DeleteSecretCommand({ SecretId: created.name, RecoveryWindowInDays: 7 }),
    );

    // Assess
    expect(out.ARN).toBe(created.arn);
    expect(out.Name).toBe(created.name);
    const deletion = out.DeletionDate?.getTime() ?? 0;
    expect(deletion).toBeGreaterThan(before + 7 * DAY_MS - HOUR_MS);
    expect(deletion).toBeLessThan(before + 7 * DAY_MS + HOUR_MS);
  });

  it('uses a 30-day window by default', async () => {
    // Prepare
    const created = await cf.createSecret('delete-default', { SecretString: 'v' });
    const before = Date.now();

    // Act
    const out = await cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn }));

    // Assess
    const deletion = out.DeletionDate?.getTime() ?? 0;
    expect(deletion).toBeGreaterThan(before + 30 * DAY_MS - HOUR_MS);
    expect(deletion).toBeLessThan(before + 30 * DAY_MS + HOUR_MS);
  });

  it('makes reads and writes fail with InvalidRequestException while DescribeSecret still works', async () => {
    // Prepare
    const created = await cf.createSecret('scheduled', { SecretString: 'v' });
    await cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 }));

    // Act / Assess
    await expect(
      cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(
      cf.sm.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'w' })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(
      cf.sm.send(new UpdateSecretCommand({ SecretId: created.arn, Description: 'x' })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    const described = await cf.describe(created.arn);
    expect(described.Name).toBe(created.name);
    expect(described.DeletedDate).toBeInstanceOf(Date);
  });

  it('fails with InvalidRequestException when the secret is already scheduled for deletion', async () => {
    // Prepare
    const created = await cf.createSecret('delete-twice', { SecretString: 'v' });
    await cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 }));

    // Act / Assess
    await expect(
      cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it.each([6, 31])(
    'fails with InvalidParameterException for a recovery window of %i days',
    async (days) => {
      // Prepare
      const created = await cf.createSecret(`delete-window-${days}`, { SecretString: 'v' });

      // Act / Assess
      await expect(
        cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: days })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
      expect((await cf.describe(created.arn)).DeletedDate).toBeUndefined();
    },
  );

  it('fails with InvalidParameterException when given both a window and ForceDeleteWithoutRecovery', async () => {
    // Prepare
    const created = await cf.createSecret('delete-both', { SecretString: 'v' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new DeleteSecretCommand({
          SecretId: created.arn,
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect((await cf.describe(created.arn)).DeletedDate).toBeUndefined();
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('delete-missing');

    // Act / Assess
    await expect(
      cf.sm.send(new DeleteSecretCommand({ SecretId: missing, RecoveryWindowInDays: 7 })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('DeleteSecret with ForceDeleteWithoutRecovery', () => {
  it('removes the secret at once, and the name can be used again', async () => {
    // Prepare
    const created = await cf.createSecret('force', { SecretString: 'v1' });

    // Act
    const out = await cf.sm.send(
      new DeleteSecretCommand({ SecretId: created.arn, ForceDeleteWithoutRecovery: true }),
    );

    // Assess
    expect(out.Name).toBe(created.name);
    await cf.eventually(async () => {
      await expect(
        cf.sm.send(new DescribeSecretCommand({ SecretId: created.name })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
    const again = await cf.eventually(() =>
      cf.sm.send(new CreateSecretCommand({ Name: created.name, SecretString: 'v2' })),
    );
    expect(again.ARN).not.toBe(created.arn);
    const read = await cf.sm.send(new GetSecretValueCommand({ SecretId: created.name }));
    expect(read.SecretString).toBe('v2');
  });

  it('removes a secret already scheduled for deletion', async () => {
    // Prepare
    const created = await cf.createSecret('force-scheduled', { SecretString: 'v' });
    await cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 }));

    // Act
    await cf.sm.send(
      new DeleteSecretCommand({ SecretId: created.arn, ForceDeleteWithoutRecovery: true }),
    );

    // Assess
    await cf.eventually(async () => {
      await expect(
        cf.sm.send(new DescribeSecretCommand({ SecretId: created.arn })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
    await expect(
      cf.sm.send(new RestoreSecretCommand({ SecretId: created.arn })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('does not fail for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('force-missing');

    // Act
    const out = await cf.sm.send(
      new DeleteSecretCommand({ SecretId: missing, ForceDeleteWithoutRecovery: true }),
    );

    // Assess
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});

describe('RestoreSecret', () => {
  it('cancels a scheduled deletion: DeletedDate is gone and the value readable again', async () => {
    // Prepare
    const created = await cf.createSecret('restore', { SecretString: 'kept' });
    await cf.sm.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 }));

    // Act
    const out = await cf.sm.send(new RestoreSecretCommand({ SecretId: created.name }));

    // Assess
    expect(out.ARN).toBe(created.arn);
    expect(out.Name).toBe(created.name);
    expect((await cf.describe(created.arn)).DeletedDate).toBeUndefined();
    const read = await cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn }));
    expect(read.SecretString).toBe('kept');
    expect(read.VersionId).toBe(created.versionId);
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('restore-missing');

    // Act / Assess
    await expect(cf.sm.send(new RestoreSecretCommand({ SecretId: missing }))).rejects.toMatchObject(
      { name: 'ResourceNotFoundException' },
    );
  });
});
