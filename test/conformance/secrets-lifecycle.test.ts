/**
 * Conformance: creating, reading, describing, updating and tagging secrets, addressing them by
 * name, full ARN and partial ARN, and the 65,536-byte value limit.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 */
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { arnPattern, newToken, partialArnOf, useConformance, versionsWith } from './harness.js';

const cf = useConformance();

describe('CreateSecret', () => {
  it('returns an ARN of the documented shape, with the Region and the name', async () => {
    // Prepare
    const name = cf.uniqueName('arn-shape');

    // Act
    const out = await cf.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));

    // Assess
    expect(out.Name).toBe(name);
    expect(out.ARN).toMatch(arnPattern(cf.target.region, name));
    expect(out.VersionId).toEqual(expect.any(String));
  });

  it('uses the ClientRequestToken as the VersionId of the first version', async () => {
    // Prepare
    const token = newToken();

    // Act
    const created = await cf.createSecret('token-version', {
      SecretString: 'v1',
      ClientRequestToken: token,
    });

    // Assess
    expect(created.versionId).toBe(token);
    expect(await cf.stagesOf(created.arn)).toEqual({ [token]: ['AWSCURRENT'] });
  });

  it('stores description and tags, shown by DescribeSecret', async () => {
    // Prepare / Act
    const created = await cf.createSecret('described', {
      SecretString: 'v1',
      Description: 'conformance description',
      Tags: [
        { Key: 'team', Value: 'blue' },
        { Key: 'tier', Value: 'gold' },
      ],
    });

    // Assess
    const described = await cf.describe(created.name);
    expect(described.ARN).toBe(created.arn);
    expect(described.Name).toBe(created.name);
    expect(described.Description).toBe('conformance description');
    expect(described.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'team', Value: 'blue' },
        { Key: 'tier', Value: 'gold' },
      ]),
    );
    expect(described.Tags).toHaveLength(2);
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.DeletedDate).toBeUndefined();
    expect(described.VersionIdsToStages).toEqual({ [created.versionId ?? '']: ['AWSCURRENT'] });
  });

  it('creates a secret without any version when no value is given', async () => {
    // Prepare / Act
    const created = await cf.createSecret('no-value');

    // Assess
    expect(created.versionId).toBeUndefined();
    expect(await cf.stagesOf(created.arn)).toEqual({});
    await expect(
      cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('stores a binary value and returns the same bytes', async () => {
    // Prepare
    const bytes = Uint8Array.from([0, 1, 2, 253, 254, 255]);
    const created = await cf.createSecret('binary', { SecretBinary: bytes });

    // Act
    const out = await cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn }));

    // Assess
    expect(out.SecretString).toBeUndefined();
    expect(Array.from(out.SecretBinary ?? [])).toEqual(Array.from(bytes));
  });

  it('fails with ResourceExistsException when the name is taken', async () => {
    // Prepare
    const created = await cf.createSecret('taken', { SecretString: 'v1' });

    // Act / Assess
    await expect(
      cf.sm.send(new CreateSecretCommand({ Name: created.name, SecretString: 'v2' })),
    ).rejects.toMatchObject({ name: 'ResourceExistsException' });
  });

  it('fails with InvalidParameterException when both SecretString and SecretBinary are given', async () => {
    // Prepare
    const name = cf.uniqueName('both-values');

    // Act / Assess
    await expect(
      cf.sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: 'text',
          SecretBinary: Uint8Array.from([1, 2, 3]),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('addressing a secret', () => {
  it('finds the same secret by name, full ARN and partial ARN', async () => {
    // Prepare
    const created = await cf.createSecret('addressed', { SecretString: 'by-any-id' });
    const ids = [created.name, created.arn, partialArnOf(created.arn)];

    // Act
    const reads = await Promise.all(
      ids.map((id) => cf.sm.send(new GetSecretValueCommand({ SecretId: id }))),
    );
    const describes = await Promise.all(ids.map((id) => cf.describe(id)));

    // Assess
    for (const read of reads) {
      expect(read.ARN).toBe(created.arn);
      expect(read.Name).toBe(created.name);
      expect(read.SecretString).toBe('by-any-id');
    }
    for (const described of describes) expect(described.ARN).toBe(created.arn);
  });

  it('fails with ResourceNotFoundException for a name that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('never-created');

    // Act / Assess
    await expect(
      cf.sm.send(new GetSecretValueCommand({ SecretId: missing })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      cf.sm.send(new DescribeSecretCommand({ SecretId: missing })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('GetSecretValue', () => {
  it('reads AWSCURRENT by default and any version by VersionId or VersionStage', async () => {
    // Prepare
    const created = await cf.createSecret('get-by', { SecretString: 'first' });
    const second = await cf.sm.send(
      new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'second' }),
    );

    // Act
    const current = await cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn }));
    const byId = await cf.sm.send(
      new GetSecretValueCommand({ SecretId: created.arn, VersionId: created.versionId }),
    );
    const previous = await cf.sm.send(
      new GetSecretValueCommand({ SecretId: created.arn, VersionStage: 'AWSPREVIOUS' }),
    );

    // Assess
    expect(current).toMatchObject({
      SecretString: 'second',
      VersionId: second.VersionId,
      VersionStages: ['AWSCURRENT'],
    });
    expect(current.CreatedDate).toBeInstanceOf(Date);
    expect(byId).toMatchObject({ SecretString: 'first', VersionStages: ['AWSPREVIOUS'] });
    expect(previous).toMatchObject({ SecretString: 'first', VersionId: created.versionId });
  });

  it('fails with ResourceNotFoundException when VersionId and VersionStage name different versions', async () => {
    // Prepare
    const created = await cf.createSecret('mismatch', { SecretString: 'first' });
    await cf.sm.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'second' }));

    // Act / Assess
    await expect(
      cf.sm.send(
        new GetSecretValueCommand({
          SecretId: created.arn,
          VersionId: created.versionId,
          VersionStage: 'AWSCURRENT',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('fails with ResourceNotFoundException for a stage no version holds', async () => {
    // Prepare
    const created = await cf.createSecret('no-pending', { SecretString: 'v1' });

    // Act / Assess
    await expect(
      cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn, VersionStage: 'AWSPENDING' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('the 65,536-byte value limit', () => {
  it('accepts a SecretString of exactly 65,536 bytes and returns it whole', async () => {
    // Prepare
    const value = 'x'.repeat(65_536);

    // Act
    const created = await cf.createSecret('max-size', { SecretString: value });

    // Assess
    const read = await cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn }));
    expect(read.SecretString?.length).toBe(65_536);
    expect(read.SecretString).toBe(value);
  });

  it('rejects a 65,537-byte SecretString on CreateSecret and PutSecretValue with ValidationException', async () => {
    // Prepare
    const tooBig = 'x'.repeat(65_537);
    const created = await cf.createSecret('over-size', { SecretString: 'small' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new CreateSecretCommand({ Name: cf.uniqueName('over-size'), SecretString: tooBig }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      cf.sm.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: tooBig })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(Object.keys(await cf.stagesOf(created.arn))).toHaveLength(1);
  });
});

describe('UpdateSecret', () => {
  it('changes the description without creating a version', async () => {
    // Prepare
    const created = await cf.createSecret('update-description', {
      SecretString: 'v1',
      Description: 'before',
    });

    // Act
    const out = await cf.sm.send(
      new UpdateSecretCommand({ SecretId: created.name, Description: 'after' }),
    );

    // Assess
    expect(out.ARN).toBe(created.arn);
    expect(out.Name).toBe(created.name);
    const described = await cf.describe(created.arn);
    expect(described.Description).toBe('after');
    expect(described.VersionIdsToStages).toEqual({ [created.versionId ?? '']: ['AWSCURRENT'] });
  });

  it('with a new value creates an AWSCURRENT version and moves AWSPREVIOUS to the old one', async () => {
    // Prepare
    const created = await cf.createSecret('update-value', { SecretString: 'v1' });

    // Act
    const out = await cf.sm.send(
      new UpdateSecretCommand({ SecretId: created.arn, SecretString: 'v2' }),
    );

    // Assess
    expect(out.VersionId).toEqual(expect.any(String));
    expect(await cf.stagesOf(created.arn)).toEqual({
      [created.versionId ?? '']: ['AWSPREVIOUS'],
      [out.VersionId ?? '']: ['AWSCURRENT'],
    });
    const read = await cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn }));
    expect(read.SecretString).toBe('v2');
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('update-missing');

    // Act / Assess
    await expect(
      cf.sm.send(new UpdateSecretCommand({ SecretId: missing, Description: 'x' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('fails with InvalidParameterException when both SecretString and SecretBinary are given', async () => {
    // Prepare
    const created = await cf.createSecret('update-both', { SecretString: 'v1' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new UpdateSecretCommand({
          SecretId: created.arn,
          SecretString: 'v2',
          SecretBinary: Uint8Array.from([1]),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(Object.keys(await cf.stagesOf(created.arn))).toHaveLength(1);
  });
});

describe('BatchGetSecretValue', () => {
  it('returns the current value of every secret in SecretIdList, by name or ARN', async () => {
    // Prepare
    const first = await cf.createSecret('batch-a', { SecretString: 'value-a' });
    const second = await cf.createSecret('batch-b', { SecretString: 'value-b' });

    // Act
    const out = await cf.sm.send(
      new BatchGetSecretValueCommand({ SecretIdList: [first.name, second.arn] }),
    );

    // Assess
    const byName = new Map((out.SecretValues ?? []).map((entry) => [entry.Name, entry]));
    expect(byName.get(first.name)).toMatchObject({
      ARN: first.arn,
      SecretString: 'value-a',
      VersionId: first.versionId,
      VersionStages: ['AWSCURRENT'],
    });
    expect(byName.get(second.name)).toMatchObject({ ARN: second.arn, SecretString: 'value-b' });
    expect(out.SecretValues).toHaveLength(2);
    expect(out.Errors ?? []).toEqual([]);
  });

  it('reports a missing secret in Errors and still returns the others', async () => {
    // Prepare
    const present = await cf.createSecret('batch-present', { SecretString: 'here' });
    const missing = cf.uniqueName('batch-missing');

    // Act
    const out = await cf.sm.send(
      new BatchGetSecretValueCommand({ SecretIdList: [present.arn, missing] }),
    );

    // Assess
    expect(out.SecretValues?.map((entry) => entry.SecretString)).toEqual(['here']);
    expect(out.Errors).toEqual([
      expect.objectContaining({ SecretId: missing, ErrorCode: 'ResourceNotFoundException' }),
    ]);
  });

  it('selects secrets with Filters', async () => {
    // Prepare
    const family = cf.uniqueName('batch-family');
    cf.track(`${family}/one`, `${family}/two`);
    await cf.sm.send(new CreateSecretCommand({ Name: `${family}/one`, SecretString: '1' }));
    await cf.sm.send(new CreateSecretCommand({ Name: `${family}/two`, SecretString: '2' }));

    // Act / Assess
    await cf.eventually(async () => {
      const out = await cf.sm.send(
        new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [`${family}/`] }] }),
      );
      const values = (out.SecretValues ?? []).map((entry) => entry.SecretString).sort();
      expect(values).toEqual(['1', '2']);
    });
  });

  it('fails with InvalidParameterException when given both SecretIdList and Filters', async () => {
    // Prepare
    const created = await cf.createSecret('batch-both', { SecretString: 'v' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new BatchGetSecretValueCommand({
          SecretIdList: [created.arn],
          Filters: [{ Key: 'name', Values: [created.name] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('TagResource and UntagResource', () => {
  it('adds tags, overwrites a tag with the same key, and removes tags by key', async () => {
    // Prepare
    const created = await cf.createSecret('tags', {
      SecretString: 'v',
      Tags: [{ Key: 'team', Value: 'blue' }],
    });

    // Act
    await cf.sm.send(
      new TagResourceCommand({
        SecretId: created.arn,
        Tags: [
          { Key: 'team', Value: 'green' },
          { Key: 'env', Value: 'test' },
          { Key: 'owner', Value: 'dba' },
        ],
      }),
    );
    const tagged = await cf.describe(created.arn);
    await cf.sm.send(
      new UntagResourceCommand({ SecretId: created.name, TagKeys: ['env', 'owner'] }),
    );
    const untagged = await cf.describe(created.arn);

    // Assess
    expect(tagged.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'team', Value: 'green' },
        { Key: 'env', Value: 'test' },
        { Key: 'owner', Value: 'dba' },
      ]),
    );
    expect(tagged.Tags).toHaveLength(3);
    expect(untagged.Tags).toEqual([{ Key: 'team', Value: 'green' }]);
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('tags-missing');

    // Act / Assess
    await expect(
      cf.sm.send(new TagResourceCommand({ SecretId: missing, Tags: [{ Key: 'a', Value: 'b' }] })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      cf.sm.send(new UntagResourceCommand({ SecretId: missing, TagKeys: ['a'] })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('DescribeSecret', () => {
  it('shows one AWSCURRENT version after creation and LastChangedDate after a change', async () => {
    // Prepare
    const created = await cf.createSecret('describe-dates', { SecretString: 'v1' });

    // Act
    await cf.sm.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v2' }));
    const described = await cf.describe(created.arn);

    // Assess
    expect(versionsWith(described.VersionIdsToStages ?? {}, 'AWSCURRENT')).toHaveLength(1);
    expect(described.LastChangedDate).toBeInstanceOf(Date);
    expect(described.RotationEnabled ?? false).toBe(false);
  });
});
