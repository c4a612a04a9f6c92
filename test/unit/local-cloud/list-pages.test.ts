import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './sm-harness.js';

const names = (page: Record<string, unknown>): string[] =>
  (page.SecretList as { Name: string }[]).map((entry) => entry.Name);

const seed = (h: Harness, count: number): void => {
  for (let index = 0; index < count; index += 1) {
    h.call('CreateSecret', { Name: `app/${String(index).padStart(3, '0')}`, SecretString: 'v' });
  }
};

describe('ListSecrets pages of one listing', () => {
  it('return every secret once, in order, each later page a slice of the first listing', () => {
    // Prepare
    const h = createHarness();
    seed(h, 250);
    // Act
    const first = h.call('ListSecrets', { MaxResults: 100, SortBy: 'name' });
    h.call('CreateSecret', { Name: 'app/zzz-created-meanwhile', SecretString: 'v' });
    const second = h.call('ListSecrets', {
      MaxResults: 100,
      SortBy: 'name',
      NextToken: first.NextToken,
    });
    const third = h.call('ListSecrets', {
      MaxResults: 100,
      SortBy: 'name',
      NextToken: second.NextToken,
    });
    const fresh = h.call('ListSecrets', {
      MaxResults: 100,
      SortBy: 'name',
      NextToken: second.NextToken,
      Filters: [{ Key: 'name', Values: ['app/'] }],
    });
    // Assess
    const listed = [...names(first), ...names(second), ...names(third)];
    expect(listed).toEqual(
      Array.from({ length: 250 }, (_, i) => `app/${String(i).padStart(3, '0')}`),
    );
    expect(third.NextToken).toBeUndefined();
    // A token used with other parameters lists afresh from its offset: the new secret is there.
    expect(names(fresh)).toContain('app/zzz-created-meanwhile');
  });

  it('leave out a secret deleted after the listing began', () => {
    // Prepare
    const h = createHarness();
    seed(h, 150);
    const first = h.call('ListSecrets', { MaxResults: 100, SortBy: 'name' });
    // Act
    h.call('DeleteSecret', { SecretId: 'app/120', ForceDeleteWithoutRecovery: true });
    h.call('DeleteSecret', { SecretId: 'app/121', RecoveryWindowInDays: 7 });
    const second = h.call('ListSecrets', {
      MaxResults: 100,
      SortBy: 'name',
      NextToken: first.NextToken,
    });
    // Assess
    expect(names(second)).toHaveLength(48);
    expect(names(second)).not.toContain('app/120');
    expect(names(second)).not.toContain('app/121');
  });
});
