/**
 * Scene 3: disaster recovery. A secret tagged `rotasync:replicate-to` is copied to the recovery
 * Region by the `replicate` function (triggered by the events AWS would send), with its endpoint
 * rewritten to that Region's read replica, which the local RDS API describes and which is a real
 * streaming replica of the primary. After a rotation in the primary Region, the replicated
 * credentials log in on the replica there.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createPgLoginRole, logsIn, pgClient } from '#local-cloud/databases/clients.js';
import type { RunningDatabase } from '#local-cloud/databases/running-database.js';
import { dim, heading, line, ms, ok } from './output.js';
import { randomPassword, rotateNow, waitFor } from './setup.js';
import type { SceneContext } from './single-user.js';

export interface ReplicationSceneContext extends SceneContext {
  readonly replica: RunningDatabase;
  readonly recoveryRegion: string;
}

/** The replicated secret scene 3 leaves behind, which the rehearsal (scene 4) fails over. */
export interface ReplicatedSecret {
  readonly name: string;
  readonly arn: string;
  readonly username: string;
}

export const runReplicationScene = async (
  context: ReplicationSceneContext,
): Promise<ReplicatedSecret> => {
  const { stack, sm, postgres, replica, recoveryRegion } = context;
  heading(`3. Disaster recovery: ${stack.region} → ${recoveryRegion}`);
  line(
    'RDS',
    `orders-db (${stack.region}, :${postgres.port}) has a cross-Region read replica ` +
      `orders-db-west (${recoveryRegion}, :${replica.port})`,
  );
  const username = 'app_dr';
  const firstPassword = randomPassword();
  await createPgLoginRole(postgres, username, firstPassword);
  const name = 'rotasync-demo/postgres/app-dr';
  const created = await sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({
        engine: 'postgres',
        host: postgres.host,
        port: postgres.port,
        username,
        password: firstPassword,
        dbname: 'postgres',
        ssl: true,
      }),
      Tags: [{ Key: 'rotasync:replicate-to', Value: recoveryRegion }],
    }),
  );
  const arn = created.ARN ?? name;
  await stack.events.flush();

  const recovery = new SecretsManagerClient({
    endpoint: stack.cloud.endpoint,
    region: recoveryRegion,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const readReplicaSecret = async () => {
      const read = await recovery.send(new GetSecretValueCommand({ SecretId: name }));
      return JSON.parse(read.SecretString ?? '{}') as {
        host: string;
        port: number;
        username: string;
        password: string;
      };
    };
    const first = await readReplicaSecret();
    line(
      'replicated',
      `${name} in ${recoveryRegion}: host ${first.host}:${first.port} ` +
        dim(`(the primary is :${postgres.port}; rewritten to the replica)`),
    );

    const startedAt = Date.now();
    await rotateNow(stack, sm, arn);
    const rotatedAt = Date.now();
    await stack.events.flush();
    const primaryValue = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    const rotated = JSON.parse(primaryValue.SecretString ?? '{}') as { password: string };
    const copy = await readReplicaSecret();
    const replicatedAt = Date.now();
    line(
      'rotation',
      `in ${stack.region}: ${ms(rotatedAt - startedAt)}; ${recoveryRegion} had the new value ` +
        `${ms(replicatedAt - rotatedAt)} later ${dim('(events → replicate)')}`,
    );
    if (copy.password !== rotated.password) throw new Error('the replica secret is not current');
    line(
      '',
      ok(`the ${recoveryRegion} secret holds the new password, still pointed at the replica`),
    );

    // The replica replays the primary's ALTER ROLE asynchronously.
    const works = await waitFor(() => logsIn(replica, copy.username, copy.password));
    line(
      '',
      works
        ? ok(`the replicated credentials log in on the replica in ${recoveryRegion}`)
        : '!! the replicated credentials do not log in on the replica',
    );
    const client = pgClient(replica, copy.username, copy.password);
    await client.connect();
    try {
      await client.query('CREATE TABLE should_fail (id int)');
      line('', '!! the replica accepted a write');
    } catch (error) {
      const code = (error as { code?: string }).code;
      line('', ok(`read-only there, as a replica is (a write gets SQLSTATE ${code})`));
    } finally {
      await client.end();
    }

    const report = (await stack.invoke('reconcile', { dryRun: true })) as {
      checked?: number;
      inSync?: number;
    };
    line(
      'sweep',
      `reconcile {"dryRun": true}: ${report.checked ?? 0} checked, ${report.inSync ?? 0} in sync`,
    );
  } finally {
    recovery.destroy();
  }
  return { name, arn, username };
};
