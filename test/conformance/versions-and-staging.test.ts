/**
 * Conformance: versions and staging labels (PutSecretValue, UpdateSecretVersionStage,
 * ListSecretVersionIds), the ClientRequestToken rules and the one-AWSCURRENT invariant.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 */
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { newToken, useConformance, versionsWith } from './harness.js';

const cf = useConformance();

/** A secret with a first AWSCURRENT version `v1` and a second version holding only `stages`. */
const secretWithTwoVersions = async (label: string, stages: string[]) => {
  const created = await cf.createSecret(label, { SecretString: 'v1' });
  const second = await cf.sm.send(
    new PutSecretValueCommand({
      SecretId: created.arn,
      SecretString: 'v2',
      VersionStages: stages,
    }),
  );
  return { ...created, first: created.versionId ?? '', second: second.VersionId ?? '' };
};

describe('PutSecretValue', () => {
  it('without VersionStages moves AWSCURRENT to the new version and AWSPREVIOUS to the old', async () => {
    // Prepare
    const created = await cf.createSecret('put-default', { SecretString: 'v1' });

    // Act
    const out = await cf.sm.send(
      new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v2' }),
    );

    // Assess
    expect(out.ARN).toBe(created.arn);
    expect(out.Name).toBe(created.name);
    expect(out.VersionStages).toEqual(['AWSCURRENT']);
    expect(await cf.stagesOf(created.arn)).toEqual({
      [created.versionId ?? '']: ['AWSPREVIOUS'],
      [out.VersionId ?? '']: ['AWSCURRENT'],
    });
  });

  it('a third value moves AWSPREVIOUS on and leaves the first version without labels', async () => {
    // Prepare
    const created = await cf.createSecret('put-three', { SecretString: 'v1' });
    const second = await cf.sm.send(
      new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v2' }),
    );

    // Act
    const third = await cf.sm.send(
      new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v3' }),
    );

    // Assess
    const stages = await cf.stagesOf(created.arn);
    expect(stages[third.VersionId ?? '']).toEqual(['AWSCURRENT']);
    expect(stages[second.VersionId ?? '']).toEqual(['AWSPREVIOUS']);
    expect(stages[created.versionId ?? ''] ?? []).toEqual([]);
    const previous = await cf.sm.send(
      new GetSecretValueCommand({ SecretId: created.arn, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('v2');
    const unlabelled = await cf.sm.send(
      new GetSecretValueCommand({ SecretId: created.arn, VersionId: created.versionId }),
    );
    expect(unlabelled.SecretString).toBe('v1');
  });

  it('with VersionStages [AWSPENDING] leaves AWSCURRENT where it was', async () => {
    // Prepare / Act
    const secret = await secretWithTwoVersions('put-pending', ['AWSPENDING']);

    // Assess
    expect(await cf.stagesOf(secret.arn)).toEqual({
      [secret.first]: ['AWSCURRENT'],
      [secret.second]: ['AWSPENDING'],
    });
    const current = await cf.sm.send(new GetSecretValueCommand({ SecretId: secret.arn }));
    const pending = await cf.sm.send(
      new GetSecretValueCommand({ SecretId: secret.arn, VersionStage: 'AWSPENDING' }),
    );
    expect(current.SecretString).toBe('v1');
    expect(pending.SecretString).toBe('v2');
  });

  it('can give one version several labels at once', async () => {
    // Prepare / Act
    const secret = await secretWithTwoVersions('put-labels', ['AWSCURRENT', 'blue', 'green']);

    // Assess
    const stages = await cf.stagesOf(secret.arn);
    expect([...(stages[secret.second] ?? [])].sort()).toEqual(['AWSCURRENT', 'blue', 'green']);
    expect(stages[secret.first]).toEqual(['AWSPREVIOUS']);
  });

  it('with the same ClientRequestToken and the same value creates no new version', async () => {
    // Prepare
    const created = await cf.createSecret('token-same', { SecretString: 'v1' });
    const token = newToken();
    const first = await cf.sm.send(
      new PutSecretValueCommand({
        SecretId: created.arn,
        SecretString: 'v2',
        ClientRequestToken: token,
      }),
    );
    const before = await cf.stagesOf(created.arn);

    // Act
    const again = await cf.sm.send(
      new PutSecretValueCommand({
        SecretId: created.arn,
        SecretString: 'v2',
        ClientRequestToken: token,
      }),
    );

    // Assess
    expect(first.VersionId).toBe(token);
    expect(again.VersionId).toBe(token);
    expect(await cf.stagesOf(created.arn)).toEqual(before);
  });

  it('with the same ClientRequestToken and a different value fails with ResourceExistsException', async () => {
    // Prepare
    const created = await cf.createSecret('token-different', { SecretString: 'v1' });
    const token = newToken();
    await cf.sm.send(
      new PutSecretValueCommand({
        SecretId: created.arn,
        SecretString: 'v2',
        ClientRequestToken: token,
      }),
    );
    const before = await cf.stagesOf(created.arn);

    // Act / Assess
    await expect(
      cf.sm.send(
        new PutSecretValueCommand({
          SecretId: created.arn,
          SecretString: 'something else',
          ClientRequestToken: token,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceExistsException' });
    expect(await cf.stagesOf(created.arn)).toEqual(before);
    const byToken = await cf.sm.send(
      new GetSecretValueCommand({ SecretId: created.arn, VersionId: token }),
    );
    expect(byToken.SecretString).toBe('v2');
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('put-missing');

    // Act / Assess
    await expect(
      cf.sm.send(new PutSecretValueCommand({ SecretId: missing, SecretString: 'v' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('fails with InvalidParameterException when both SecretString and SecretBinary are given', async () => {
    // Prepare
    const created = await cf.createSecret('put-both', { SecretString: 'v1' });

    // Act / Assess
    await expect(
      cf.sm.send(
        new PutSecretValueCommand({
          SecretId: created.arn,
          SecretString: 'v2',
          SecretBinary: Uint8Array.from([1]),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('UpdateSecretVersionStage', () => {
  it('moving AWSCURRENT with RemoveFromVersionId attaches AWSPREVIOUS to the version it left', async () => {
    // Prepare
    const secret = await secretWithTwoVersions('move-current', ['AWSPENDING']);

    // Act
    const out = await cf.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: secret.second,
        RemoveFromVersionId: secret.first,
      }),
    );

    // Assess
    expect(out.ARN).toBe(secret.arn);
    expect(out.Name).toBe(secret.name);
    const stages = await cf.stagesOf(secret.arn);
    expect([...(stages[secret.second] ?? [])].sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect(stages[secret.first]).toEqual(['AWSPREVIOUS']);
    expect(versionsWith(stages, 'AWSCURRENT')).toEqual([secret.second]);
  });

  it('fails with InvalidParameterException when the label is on another version and RemoveFromVersionId is missing', async () => {
    // Prepare
    const secret = await secretWithTwoVersions('move-without-remove', ['AWSPENDING']);
    const before = await cf.stagesOf(secret.arn);

    // Act / Assess
    await expect(
      cf.sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secret.arn,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: secret.second,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(await cf.stagesOf(secret.arn)).toEqual(before);
  });

  it('fails with InvalidParameterException when RemoveFromVersionId is not the version holding the label', async () => {
    // Prepare
    const secret = await secretWithTwoVersions('move-wrong-remove', ['AWSPENDING']);
    const before = await cf.stagesOf(secret.arn);

    // Act / Assess
    await expect(
      cf.sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secret.arn,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: secret.second,
          RemoveFromVersionId: secret.second,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(await cf.stagesOf(secret.arn)).toEqual(before);
  });

  it('adds a label to a version that already holds others', async () => {
    // Prepare
    const created = await cf.createSecret('add-label', { SecretString: 'v1' });

    // Act
    for (const label of ['blue', 'green']) {
      await cf.sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: created.arn,
          VersionStage: label,
          MoveToVersionId: created.versionId,
        }),
      );
    }

    // Assess
    const stages = await cf.stagesOf(created.arn);
    expect([...(stages[created.versionId ?? ''] ?? [])].sort()).toEqual([
      'AWSCURRENT',
      'blue',
      'green',
    ]);
    const byLabel = await cf.sm.send(
      new GetSecretValueCommand({ SecretId: created.arn, VersionStage: 'green' }),
    );
    expect(byLabel.VersionId).toBe(created.versionId);
  });

  it('moves a custom label from one version to another', async () => {
    // Prepare
    const secret = await secretWithTwoVersions('move-custom', ['AWSPENDING']);
    await cf.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'blue',
        MoveToVersionId: secret.first,
      }),
    );

    // Act
    await cf.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'blue',
        MoveToVersionId: secret.second,
        RemoveFromVersionId: secret.first,
      }),
    );

    // Assess
    const stages = await cf.stagesOf(secret.arn);
    expect(versionsWith(stages, 'blue')).toEqual([secret.second]);
    expect(stages[secret.first]).toEqual(['AWSCURRENT']);
  });

  it('removes a label when MoveToVersionId is omitted', async () => {
    // Prepare
    const secret = await secretWithTwoVersions('remove-label', ['AWSPENDING', 'blue']);

    // Act
    await cf.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: secret.second,
      }),
    );

    // Assess
    const stages = await cf.stagesOf(secret.arn);
    expect(versionsWith(stages, 'AWSPENDING')).toEqual([]);
    expect(stages[secret.second]).toEqual(['blue']);
    await expect(
      cf.sm.send(new GetSecretValueCommand({ SecretId: secret.arn, VersionStage: 'AWSPENDING' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('followed by PutSecretValue never leaves two AWSCURRENT versions', async () => {
    // Prepare
    const secret = await secretWithTwoVersions('promote-then-put', ['AWSPENDING']);
    await cf.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secret.arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: secret.second,
        RemoveFromVersionId: secret.first,
      }),
    );

    // Act
    const third = await cf.sm.send(
      new PutSecretValueCommand({ SecretId: secret.arn, SecretString: 'v3' }),
    );

    // Assess
    const stages = await cf.stagesOf(secret.arn);
    expect(versionsWith(stages, 'AWSCURRENT')).toEqual([third.VersionId]);
    expect(versionsWith(stages, 'AWSPREVIOUS')).toEqual([secret.second]);
    const current = await cf.sm.send(new GetSecretValueCommand({ SecretId: secret.arn }));
    expect(current.SecretString).toBe('v3');
  });

  it('keeps exactly one AWSCURRENT through a mix of puts and label moves', async () => {
    // Prepare
    const created = await cf.createSecret('one-current', { SecretString: 'v1' });
    const counts: number[] = [];

    // Act
    const pending = await cf.sm.send(
      new PutSecretValueCommand({
        SecretId: created.arn,
        SecretString: 'v2',
        VersionStages: ['AWSPENDING'],
      }),
    );
    counts.push(versionsWith(await cf.stagesOf(created.arn), 'AWSCURRENT').length);
    await cf.sm.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v3' }));
    const afterPut = await cf.stagesOf(created.arn);
    counts.push(versionsWith(afterPut, 'AWSCURRENT').length);
    await cf.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: created.arn,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: pending.VersionId,
        RemoveFromVersionId: versionsWith(afterPut, 'AWSCURRENT')[0],
      }),
    );
    counts.push(versionsWith(await cf.stagesOf(created.arn), 'AWSCURRENT').length);

    // Assess
    expect(counts).toEqual([1, 1, 1]);
    const current = await cf.sm.send(new GetSecretValueCommand({ SecretId: created.arn }));
    expect(current.SecretString).toBe('v2');
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('stage-missing');

    // Act / Assess
    await expect(
      cf.sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: missing,
          VersionStage: 'blue',
          MoveToVersionId: newToken(),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('ListSecretVersionIds', () => {
  it('lists labelled versions, and versions without labels only with IncludeDeprecated', async () => {
    // Prepare
    const created = await cf.createSecret('versions', { SecretString: 'v1' });
    const second = await cf.sm.send(
      new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v2' }),
    );
    const third = await cf.sm.send(
      new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v3' }),
    );

    // Act
    const labelled = await cf.sm.send(new ListSecretVersionIdsCommand({ SecretId: created.arn }));
    const all = await cf.sm.send(
      new ListSecretVersionIdsCommand({ SecretId: created.arn, IncludeDeprecated: true }),
    );

    // Assess
    expect(labelled.ARN).toBe(created.arn);
    expect(labelled.Name).toBe(created.name);
    const labelledIds = (labelled.Versions ?? []).map((version) => version.VersionId).sort();
    expect(labelledIds).toEqual([second.VersionId, third.VersionId].sort());
    const allIds = (all.Versions ?? []).map((version) => version.VersionId).sort();
    expect(allIds).toEqual([created.versionId, second.VersionId, third.VersionId].sort());
    const current = (labelled.Versions ?? []).find((v) => v.VersionId === third.VersionId);
    expect(current?.VersionStages).toEqual(['AWSCURRENT']);
    expect(current?.CreatedDate).toBeInstanceOf(Date);
  });

  it('pages with MaxResults and NextToken', async () => {
    // Prepare
    const created = await cf.createSecret('versions-pages', { SecretString: 'v1' });
    await cf.sm.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: 'v2' }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;

    // Act
    do {
      const page = await cf.sm.send(
        new ListSecretVersionIdsCommand({
          SecretId: created.arn,
          MaxResults: 1,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      pages += 1;
      expect(page.Versions?.length ?? 0).toBeLessThanOrEqual(1);
      for (const version of page.Versions ?? []) seen.push(version.VersionId ?? '');
      nextToken = page.NextToken;
    } while (nextToken !== undefined && pages < 10);

    // Assess
    expect(seen.sort()).toEqual(Object.keys(await cf.stagesOf(created.arn)).sort());
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it('fails with ResourceNotFoundException for a secret that does not exist', async () => {
    // Prepare
    const missing = cf.uniqueName('versions-missing');

    // Act / Assess
    await expect(
      cf.sm.send(new ListSecretVersionIdsCommand({ SecretId: missing })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
