/**
 * Conformance: Secrets Manager is regional. A secret exists in the Region it was created in, its
 * ARN names that Region, and the same name can hold different secrets in two Regions.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_search-secret.html
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { arnPattern, useConformance } from './harness.js';

const cf = useConformance();

describe('Region isolation', () => {
  it('a secret created in one Region is not found in the other', async () => {
    // Prepare
    const created = await cf.createSecret('region-only', { SecretString: 'east' });

    // Act / Assess
    await expect(
      cf.smOther.send(new DescribeSecretCommand({ SecretId: created.name })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      cf.smOther.send(new GetSecretValueCommand({ SecretId: created.name })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('each ARN names the Region the secret was created in', async () => {
    // Prepare / Act
    const here = await cf.createSecret('region-arn', { SecretString: 'value-here' });
    const there = await cf.createSecret('region-arn', { SecretString: 'value-there' }, cf.smOther);

    // Assess
    expect(here.arn).toMatch(arnPattern(cf.target.region, here.name));
    expect(there.arn).toMatch(arnPattern(cf.target.otherRegion, there.name));
    const described = await cf.describe(there.arn, cf.smOther);
    expect(described.ARN).toBe(there.arn);
  });

  it('a name taken in one Region is free in the other', async () => {
    // Prepare
    const here = await cf.createSecret('region-same-name', { SecretString: 'value-here' });

    // Act
    const there = await cf.smOther.send(
      new CreateSecretCommand({ Name: here.name, SecretString: 'value-there' }),
    );

    // Assess
    expect(there.ARN).toMatch(arnPattern(cf.target.otherRegion, here.name));
    expect(there.ARN).not.toBe(here.arn);
    const readHere = await cf.sm.send(new GetSecretValueCommand({ SecretId: here.name }));
    const readThere = await cf.smOther.send(new GetSecretValueCommand({ SecretId: here.name }));
    expect(readHere.SecretString).toBe('value-here');
    expect(readThere.SecretString).toBe('value-there');
  });

  it('ListSecrets in one Region does not show the other Region’s secrets', async () => {
    // Prepare
    const created = await cf.createSecret('region-list', { SecretString: 'v' });

    // Act / Assess
    await cf.eventually(async () => {
      const here = await cf.sm.send(
        new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [created.name] }] }),
      );
      const there = await cf.smOther.send(
        new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [created.name] }] }),
      );
      expect(here.SecretList?.map((entry) => entry.ARN)).toEqual([created.arn]);
      expect(there.SecretList ?? []).toEqual([]);
    });
  });

  it('deleting in one Region leaves the same-named secret in the other untouched', async () => {
    // Prepare
    const here = await cf.createSecret('region-delete', { SecretString: 'value-here' });
    await cf.smOther.send(
      new CreateSecretCommand({ Name: here.name, SecretString: 'value-there' }),
    );

    // Act
    await cf.sm.send(new DeleteSecretCommand({ SecretId: here.name, RecoveryWindowInDays: 7 }));

    // Assess
    const there = await cf.smOther.send(new DescribeSecretCommand({ SecretId: here.name }));
    expect(there.DeletedDate).toBeUndefined();
    const readThere = await cf.smOther.send(new GetSecretValueCommand({ SecretId: here.name }));
    expect(readThere.SecretString).toBe('value-there');
  });
});
