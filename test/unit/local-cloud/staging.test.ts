import { describe, expect, it } from 'vitest';
import { createHarness, holdersOf, stagesMap, TOKEN_A, TOKEN_B, TOKEN_C } from './sm-harness.js';

describe('staging labels', () => {
  it('moves AWSPREVIOUS to the version AWSCURRENT left when a value is put', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1', ClientRequestToken: TOKEN_A });
    // Act
    h.call('PutSecretValue', { SecretId: 'app', SecretString: 'v2', ClientRequestToken: TOKEN_B });
    h.call('PutSecretValue', { SecretId: 'app', SecretString: 'v3', ClientRequestToken: TOKEN_C });
    // Assess
    expect(stagesMap(h, 'app')).toEqual({ [TOKEN_C]: ['AWSCURRENT'], [TOKEN_B]: ['AWSPREVIOUS'] });
  });

  it('never leaves two AWSCURRENT versions after UpdateSecretVersionStage then PutSecretValue', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1', ClientRequestToken: TOKEN_A });
    h.call('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_B,
      VersionStages: ['AWSPENDING'],
    });
    h.call('UpdateSecretVersionStage', {
      SecretId: 'app',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN_B,
      RemoveFromVersionId: TOKEN_A,
    });
    // Act
    h.call('PutSecretValue', { SecretId: 'app', SecretString: 'v3', ClientRequestToken: TOKEN_C });
    // Assess
    expect(holdersOf(h, 'app', 'AWSCURRENT')).toEqual([TOKEN_C]);
    expect(holdersOf(h, 'app', 'AWSPREVIOUS')).toEqual([TOKEN_B]);
    expect(holdersOf(h, 'app', 'AWSPENDING')).toEqual([TOKEN_B]);
  });

  it('requires RemoveFromVersionId when the label sits on another version', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1', ClientRequestToken: TOKEN_A });
    h.call('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_B,
      VersionStages: ['blue'],
    });
    // Act
    const code = h.codeOf('UpdateSecretVersionStage', {
      SecretId: 'app',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN_B,
    });
    // Assess
    expect(code).toBe('InvalidParameterException');
    expect(holdersOf(h, 'app', 'AWSCURRENT')).toEqual([TOKEN_A]);
  });

  it('removes a label when MoveToVersionId is absent, but never AWSCURRENT', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1', ClientRequestToken: TOKEN_A });
    h.call('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_B,
      VersionStages: ['blue'],
    });
    // Act
    h.call('UpdateSecretVersionStage', {
      SecretId: 'app',
      VersionStage: 'blue',
      RemoveFromVersionId: TOKEN_B,
    });
    const removeCurrent = h.codeOf('UpdateSecretVersionStage', {
      SecretId: 'app',
      VersionStage: 'AWSCURRENT',
      RemoveFromVersionId: TOKEN_A,
    });
    // Assess
    expect(stagesMap(h, 'app')).toEqual({ [TOKEN_A]: ['AWSCURRENT'] });
    expect(removeCurrent).toBe('InvalidParameterException');
  });

  it('lets one version hold several labels and refuses a 21st label', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1', ClientRequestToken: TOKEN_A });
    const labels = Array.from({ length: 19 }, (_, i) => `label-${i}`);
    h.call('PutSecretValue', {
      SecretId: 'app',
      SecretString: 'v2',
      ClientRequestToken: TOKEN_B,
      VersionStages: labels,
    });
    // Act
    const code = h.codeOf('UpdateSecretVersionStage', {
      SecretId: 'app',
      VersionStage: 'one-too-many',
      MoveToVersionId: TOKEN_A,
    });
    // Assess
    expect(stagesMap(h, 'app')[TOKEN_B]).toEqual(labels);
    expect(code).toBe('LimitExceededException');
  });

  it('prunes deprecated versions past 100, but none younger than 24 hours', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v0' });
    for (let i = 1; i <= 110; i += 1)
      h.call('PutSecretValue', { SecretId: 'app', SecretString: `v${i}` });
    const listAll = (): unknown[] => {
      const versions: unknown[] = [];
      let token: unknown;
      do {
        const page = h.call('ListSecretVersionIds', {
          SecretId: 'app',
          IncludeDeprecated: true,
          MaxResults: 30,
          NextToken: token,
        });
        versions.push(...(page.Versions as unknown[]));
        token = page.NextToken;
      } while (token !== undefined);
      return versions;
    };
    const youngCount = listAll().length;
    // Act
    h.advance(25 * 60 * 60 * 1000);
    h.call('PutSecretValue', { SecretId: 'app', SecretString: 'late' });
    // Assess
    expect(youngCount).toBe(111);
    expect(listAll()).toHaveLength(100);
    expect(holdersOf(h, 'app', 'AWSCURRENT')).toHaveLength(1);
  });

  it('lists only labelled versions unless IncludeDeprecated', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    h.call('PutSecretValue', { SecretId: 'app', SecretString: 'v2' });
    h.call('PutSecretValue', { SecretId: 'app', SecretString: 'v3' });
    // Act
    const labelled = h.call('ListSecretVersionIds', { SecretId: 'app' }).Versions as unknown[];
    const all = h.call('ListSecretVersionIds', { SecretId: 'app', IncludeDeprecated: true })
      .Versions as unknown[];
    // Assess
    expect(labelled).toHaveLength(2);
    expect(all).toHaveLength(3);
  });
});
