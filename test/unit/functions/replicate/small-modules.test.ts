import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.js';
import { mapWithConcurrency } from '#shared/replication/concurrency.js';
import { loadReplicationConfig } from '#shared/replication/config.js';
import { planEndpoint, rewriteEndpoint } from '#shared/replication/endpoint-rewrite.js';
import { isUnderPrefix } from '#shared/replication/secret-prefix.js';
import { selectTargetRegions } from '#shared/replication/target-selection.js';
import { Sensitive } from '#shared/sensitive.js';
import { CANARY, dbSecret, FakeRds } from './helpers.js';

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

describe('isUnderPrefix', () => {
  it.each([
    ['prod/app', 'prod/', true],
    ['staging/app', 'prod/', false],
    ['anything', '', true],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf', 'prod/', true],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:staging/app-AbCdEf', 'prod/', false],
    // IAM matches the ARN's resource part, suffix included, as `secret:<prefix>*` does.
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf', 'app-Ab', true],
    // The account or Region in the ARN never counts as the name.
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf', 'arn', false],
    ['Prod/app', 'prod/', false],
  ])('%s under "%s" is %s', (secretId, prefix, expected) => {
    // Act
    const under = isUnderPrefix(secretId, prefix);
    // Assess
    expect(under).toBe(expected);
  });
});

describe('selectTargetRegions', () => {
  it('prefers the tag over the defaults and drops the source Region', () => {
    // Act
    const selection = selectTargetRegions(
      { name: 's', tags: { 'rotasync:replicate-to': 'us-east-1,ap-south-1' } },
      'us-east-1',
      ['eu-west-1'],
    );
    // Assess
    expect(selection).toEqual({ replicate: true, regions: ['ap-south-1'] });
  });

  it('never treats a replica as a source', () => {
    // Act
    const selection = selectTargetRegions(
      { name: 's', tags: { 'rotasync:source-arn': 'arn:…' } },
      'eu-west-1',
      ['us-east-1'],
    );
    // Assess
    expect(selection).toEqual({ replicate: false, reason: 'the secret is a Rotasync replica' });
  });

  it('throws ConfigurationError on a malformed tag', () => {
    expect(() =>
      selectTargetRegions(
        { name: 's', tags: { 'rotasync:replicate-to': 'eu west' } },
        'us-east-1',
        [],
      ),
    ).toThrow(ConfigurationError);
  });
});

describe('endpoint rewrite', () => {
  it('replaces host and port and keeps every other key in place', () => {
    // Prepare
    const value = new Sensitive(
      dbSecret('db', CANARY, 'us-east-1', { ssl: true, masterarn: 'arn:m' }),
    );
    // Act
    const rewritten = rewriteEndpoint(value, { host: 'db.eu-west-1', port: 6000 });
    // Assess
    const parsed = JSON.parse(rewritten.reveal());
    expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(value.reveal())));
    expect(parsed).toMatchObject({
      host: 'db.eu-west-1',
      port: 6000,
      password: CANARY,
      ssl: true,
      masterarn: 'arn:m',
    });
  });

  it('leaves a value that is not JSON alone and never leaks it', async () => {
    // Prepare
    const value = new Sensitive(`{not json ${CANARY}`);
    // Act
    const plan = await planEndpoint({
      secretName: 's',
      tags: {},
      value,
      sourceRegion: 'us-east-1',
      targetRegion: 'eu-west-1',
      overrides: {},
      rds: new FakeRds(['eu-west-1']),
    });
    // Assess
    expect(plan).toEqual({ source: 'not-a-database-secret' });
    expect(rewriteEndpoint(value, { host: 'h', port: 1 })).toBe(value);
  });

  it('rejects a malformed override tag by name, without the value', async () => {
    // Act
    const outcome = planEndpoint({
      secretName: 's',
      tags: { 'rotasync:endpoint:eu-west-1': 'nohostport' },
      value: new Sensitive(dbSecret('db', CANARY)),
      sourceRegion: 'us-east-1',
      targetRegion: 'eu-west-1',
      overrides: {},
      rds: new FakeRds([]),
    });
    // Assess
    await expect(outcome).rejects.toThrow(
      'tag rotasync:endpoint:eu-west-1 of secret s is not host:port',
    );
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and never exceeds the limit', async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    // Act
    const results = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return n * 2;
    });
    // Assess
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
});
