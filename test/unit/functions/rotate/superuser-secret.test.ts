import { describe, expect, it } from 'vitest';
import { superuserSecrets } from '#functions/rotate/superuser-secret.js';
import { Stage } from '#shared/aws/secret-store.js';
import { SuperuserSecretError } from '#shared/errors.js';
import { FakeRdsEndpointLookup } from '#test/fakes/fake-rds.js';
import { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import { MASTER_ARN, MASTER_PASSWORD, masterSecret } from '#test/fakes/rotation-fixtures.js';

const where = { secretId: 'arn:app', step: 'setSecret' };
const CLUSTER_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:legacy';
const rdsMaster = JSON.stringify({ username: 'admin', password: MASTER_PASSWORD });

describe('superuserSecrets.read', () => {
  it('reads a self-describing superuser secret with its TLS setting', async () => {
    // Prepare
    const store = FakeSecretStore.withCurrent(
      MASTER_ARN,
      masterSecret({ ssl: true, port: '6432' }),
    );
    const superusers = superuserSecrets(store, new FakeRdsEndpointLookup());
    // Act
    const superuser = await superusers.read(MASTER_ARN, where);
    // Assess
    expect(superuser).toMatchObject({
      secretId: MASTER_ARN,
      engine: 'postgres',
      host: 'db.internal',
      port: 6432,
      tls: 'require',
      endpointFrom: 'secret',
    });
    expect(superuser.credentials.password.reveal()).toBe(MASTER_PASSWORD);
    expect(store.calls.map((call) => [call.op, call.stage])).toEqual([['read', Stage.Current]]);
  });

  it('maps the RDS engine name aurora to aurora-mysql', async () => {
    // Prepare
    const store = FakeSecretStore.withCurrent(MASTER_ARN, rdsMaster);
    store.setTags(MASTER_ARN, { 'aws:rds:primaryDBClusterArn': CLUSTER_ARN });
    const rds = new FakeRdsEndpointLookup().add('cluster', CLUSTER_ARN, {
      host: 'legacy.cluster.internal',
      port: 3306,
      engine: 'aurora',
      hostnames: ['legacy.cluster.internal'],
    });
    // Act
    const superuser = await superuserSecrets(store, rds).read(MASTER_ARN, where);
    // Assess
    expect(superuser).toMatchObject({
      engine: 'aurora-mysql',
      host: 'legacy.cluster.internal',
      port: 3306,
      tls: undefined,
      endpointFrom: 'rds',
    });
  });

  it('refuses an RDS tag whose value is no ARN-sized text', async () => {
    // Prepare
    const store = FakeSecretStore.withCurrent(MASTER_ARN, rdsMaster);
    store.setTags(MASTER_ARN, { 'aws:rds:primaryDBInstanceArn': 'x'.repeat(257) });
    const rds = new FakeRdsEndpointLookup();
    // Act
    const outcome = superuserSecrets(store, rds).read(MASTER_ARN, where);
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(SuperuserSecretError);
    expect(rds.lookups).toEqual([]);
  });

  it('reports an RDS-managed secret it cannot describe by the error name only', async () => {
    // Prepare
    const store = FakeSecretStore.withCurrent(MASTER_ARN, rdsMaster);
    store.failNext(
      'describe',
      Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
    );
    // Act
    const outcome = superuserSecrets(store, new FakeRdsEndpointLookup()).read(MASTER_ARN, where);
    // Assess
    await expect(outcome).rejects.toThrow(
      `setSecret for secret arn:app: the superuser secret ${MASTER_ARN} (masterarn) could not be described (AccessDeniedException)`,
    );
  });

  it('refuses an RDS-managed secret without a username', async () => {
    // Prepare
    const store = FakeSecretStore.withCurrent(
      MASTER_ARN,
      JSON.stringify({ password: MASTER_PASSWORD }),
    );
    // Act
    const outcome = superuserSecrets(store, new FakeRdsEndpointLookup()).read(MASTER_ARN, where);
    // Assess
    await expect(outcome).rejects.toThrow('has no "username" string');
  });
});
