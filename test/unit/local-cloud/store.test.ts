import { describe, expect, it } from 'vitest';
import { createHarness } from './sm-harness.js';

describe('secret lookup, Regions and deletion', () => {
  it('finds a secret by name, full ARN and partial ARN', () => {
    // Prepare
    const h = createHarness();
    const { ARN } = h.call('CreateSecret', { Name: 'team/app', SecretString: 'v1' });
    const arn = String(ARN);
    // Act
    const byName = h.call('DescribeSecret', { SecretId: 'team/app' }).ARN;
    const byArn = h.call('DescribeSecret', { SecretId: arn }).ARN;
    const byPartial = h.call('DescribeSecret', { SecretId: arn.slice(0, -7) }).ARN;
    // Assess
    expect(arn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:team\/app-[A-Za-z0-9]{6}$/,
    );
    expect([byName, byArn, byPartial]).toEqual([arn, arn, arn]);
  });

  it('keeps each Region isolated', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'east' });
    // Act
    const west = h.call('ListSecrets', {}, 'eu-west-1').SecretList as unknown[];
    h.call('CreateSecret', { Name: 'app', SecretString: 'west' }, 'eu-west-1');
    // Assess
    expect(west).toHaveLength(0);
    expect(h.call('GetSecretValue', { SecretId: 'app' }).SecretString).toBe('east');
    expect(h.call('GetSecretValue', { SecretId: 'app' }, 'eu-west-1').SecretString).toBe('west');
  });

  it('blocks reads and writes of a secret scheduled for deletion, but not DescribeSecret', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    // Act
    const deleted = h.call('DeleteSecret', { SecretId: 'app', RecoveryWindowInDays: 7 });
    // Assess
    expect(h.codeOf('GetSecretValue', { SecretId: 'app' })).toBe('InvalidRequestException');
    expect(h.codeOf('PutSecretValue', { SecretId: 'app', SecretString: 'v2' })).toBe(
      'InvalidRequestException',
    );
    expect(h.codeOf('CreateSecret', { Name: 'app', SecretString: 'v2' })).toBe(
      'InvalidRequestException',
    );
    expect(h.call('DescribeSecret', { SecretId: 'app' }).DeletedDate).toBeTypeOf('number');
    expect(h.call('ListSecrets', {}).SecretList).toHaveLength(0);
    expect(h.call('ListSecrets', { IncludePlannedDeletion: true }).SecretList).toHaveLength(1);
    expect(deleted.DeletionDate).toBe(Date.UTC(2026, 0, 8) / 1000);
  });

  it('restores a scheduled deletion, and forgets the secret once the window has passed', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    h.call('CreateSecret', { Name: 'gone', SecretString: 'v1' });
    h.call('DeleteSecret', { SecretId: 'app' });
    h.call('DeleteSecret', { SecretId: 'gone', RecoveryWindowInDays: 7 });
    // Act
    h.call('RestoreSecret', { SecretId: 'app' });
    h.advance(8 * 24 * 60 * 60 * 1000);
    // Assess
    expect(h.call('GetSecretValue', { SecretId: 'app' }).SecretString).toBe('v1');
    expect(h.codeOf('DescribeSecret', { SecretId: 'gone' })).toBe('ResourceNotFoundException');
  });

  it('validates DeleteSecret options', () => {
    // Prepare
    const h = createHarness();
    h.call('CreateSecret', { Name: 'app', SecretString: 'v1' });
    // Act
    const both = h.codeOf('DeleteSecret', {
      SecretId: 'app',
      RecoveryWindowInDays: 7,
      ForceDeleteWithoutRecovery: true,
    });
    const short = h.codeOf('DeleteSecret', { SecretId: 'app', RecoveryWindowInDays: 6 });
    const forced = h.codeOf('DeleteSecret', { SecretId: 'app', ForceDeleteWithoutRecovery: true });
    // Assess
    expect([both, short, forced]).toEqual([
      'InvalidParameterException',
      'InvalidParameterException',
      'ok',
    ]);
    expect(h.codeOf('DescribeSecret', { SecretId: 'app' })).toBe('ResourceNotFoundException');
  });

  it('filters ListSecrets by name prefix, tags and negation, and paginates', () => {
    // Prepare
    const h = createHarness();
    for (const name of ['prod/db', 'prod/api', 'dev/db']) {
      h.call('CreateSecret', {
        Name: name,
        SecretString: 'v',
        Tags: [{ Key: 'env', Value: name.split('/')[0] }],
      });
      h.advance(1000);
    }
    const names = (body: Record<string, unknown>): unknown[] =>
      (h.call('ListSecrets', body).SecretList as { Name: string }[]).map((s) => s.Name);
    // Act
    const prod = names({ Filters: [{ Key: 'name', Values: ['prod'] }] });
    const notProd = names({ Filters: [{ Key: 'name', Values: ['!prod'] }] });
    const devTag = names({ Filters: [{ Key: 'tag-value', Values: ['dev'] }] });
    const desc = names({ SortOrder: 'desc' });
    const page = h.call('ListSecrets', { MaxResults: 2 });
    const rest = h.call('ListSecrets', { MaxResults: 2, NextToken: page.NextToken });
    // Assess
    expect(prod).toEqual(['prod/db', 'prod/api']);
    expect(notProd).toEqual(['dev/db']);
    expect(devTag).toEqual(['dev/db']);
    expect(desc).toEqual(['dev/db', 'prod/api', 'prod/db']);
    expect(rest.SecretList).toHaveLength(1);
    expect(rest.NextToken).toBeUndefined();
  });
});
