import { describe, expect, it } from 'vitest';
import { planEndpoint, rewriteEndpoint } from '#shared/replication/endpoint-rewrite.js';
import { Sensitive } from '#shared/sensitive.js';
import { FakeRds } from '#test/fakes/fake-rds.js';
import { CANARY, dbSecret } from '#test/fakes/replication-fixtures.js';

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
