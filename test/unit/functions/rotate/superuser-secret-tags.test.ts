import { describe, expect, it } from 'vitest';
import { superuserSecrets } from '#functions/rotate/superuser-secret.js';
import { FakeRdsEndpointLookup } from '#test/fakes/fake-rds.js';
import { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import { MASTER_ARN, MASTER_PASSWORD } from '#test/fakes/rotation-fixtures.js';

const where = { secretId: 'arn:app', step: 'setSecret' };
const INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders';

describe('superuserSecrets.read: tags named like Object.prototype members', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'ignores a tag %s before the RDS tag, as any other unknown tag',
    async (key) => {
      // Prepare: an RDS-managed master secret whose first tag is named like a prototype member.
      const store = FakeSecretStore.withCurrent(
        MASTER_ARN,
        JSON.stringify({ username: 'postgres', password: MASTER_PASSWORD }),
      );
      store.setTags(MASTER_ARN, {
        [key]: 'team-db',
        'aws:rds:primaryDBInstanceArn': INSTANCE_ARN,
      });
      const rds = new FakeRdsEndpointLookup().add('instance', INSTANCE_ARN, {
        host: 'orders.internal',
        port: 5432,
        engine: 'postgres',
        hostnames: ['orders.internal'],
      });
      // Act
      const superuser = await superuserSecrets(store, rds).read(MASTER_ARN, where);
      // Assess
      expect(superuser).toMatchObject({ host: 'orders.internal', endpointFrom: 'rds' });
      expect(rds.lookups).toEqual([{ kind: 'instance', arn: INSTANCE_ARN }]);
    },
  );
});
