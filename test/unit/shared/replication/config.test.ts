import { describe, expect, it } from 'vitest';
import { loadReplicationConfig } from '#shared/replication/config.js';

describe('loadReplicationConfig', () => {
  it('reads Regions, KMS keys, overrides and the deletion switch', () => {
    // Act
    const config = loadReplicationConfig({
      ROTASYNC_REPLICA_REGIONS: 'eu-west-1, us-west-2,eu-west-1',
      ROTASYNC_REPLICATE_DELETES: 'TRUE',
      ROTASYNC_REPLICA_KMS_KEYS: 'eu-west-1=alias/dr',
      ROTASYNC_ENDPOINT_OVERRIDES: 'us-west-2=db.example.com:5433',
    });
    // Assess
    expect(config).toEqual({
      defaultRegions: ['eu-west-1', 'us-west-2'],
      replicateDeletes: true,
      kmsKeyIds: { 'eu-west-1': 'alias/dr' },
      endpointOverrides: { 'us-west-2': { host: 'db.example.com', port: 5433 } },
      recoveryWindowInDays: 7,
      replicatedSecretPrefix: '',
    });
  });

  it('reads the replicated-secret prefix, trimmed, and defaults it to every secret', () => {
    // Act
    const scoped = loadReplicationConfig({ ROTASYNC_REPLICATED_SECRET_PREFIX: ' prod/ ' });
    const rds = loadReplicationConfig({ ROTASYNC_REPLICATED_SECRET_PREFIX: 'rds!db-' });
    const unset = loadReplicationConfig({});
    const empty = loadReplicationConfig({ ROTASYNC_REPLICATED_SECRET_PREFIX: '' });
    // Assess
    expect(scoped.replicatedSecretPrefix).toBe('prod/');
    expect(rds.replicatedSecretPrefix).toBe('rds!db-');
    expect(unset.replicatedSecretPrefix).toBe('');
    expect(empty.replicatedSecretPrefix).toBe('');
  });

  it.each([
    [{ ROTASYNC_REPLICA_REGIONS: 'Europe' }, /not a Region name/],
    [{ ROTASYNC_ENDPOINT_OVERRIDES: 'eu-west-1=db:99999' }, /not host:port/],
    [{ ROTASYNC_REPLICA_KMS_KEYS: 'key-without-region' }, /not region=value/],
    [{ ROTASYNC_DELETE_RECOVERY_DAYS: '3' }, /7 to 30/],
    [{ ROTASYNC_REPLICATED_SECRET_PREFIX: 'prod/*' }, /ROTASYNC_REPLICATED_SECRET_PREFIX/],
    [{ ROTASYNC_REPLICATED_SECRET_PREFIX: '!prod/' }, /no leading !/],
    [{ ROTASYNC_REPLICATED_SECRET_PREFIX: 'a b' }, /secret-name prefix/],
  ])('rejects %o', (env, message) => {
    expect(() => loadReplicationConfig(env)).toThrow(message);
  });
});
