/**
 * Scene 2: alternating users. Each rotation sets a new password on the user that is *not*
 * current (created on first use with exactly the original's privileges, through the superuser
 * secret named by `masterarn`), so the application never meets a refused login and sessions
 * opened with the old credentials keep working.
 */
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { withPgAdmin } from '#local-cloud/databases/clients.js';
import { pgLogsIn, watchCurrentLogins } from './login-probe.js';
import { dim, heading, line, ms, ok } from './output.js';
import { randomPassword, readCredentials, rotateNow } from './setup.js';
import type { SceneContext } from './single-user.js';

export const runAlternatingUsersScene = async ({ stack, sm, postgres }: SceneContext) => {
  heading('2. Alternating users: app_alt and app_alt_clone take turns');
  const username = 'app_alt';
  const firstPassword = randomPassword();
  await withPgAdmin(postgres, async (client) => {
    await client.query(
      `CREATE ROLE ${username} LOGIN PASSWORD ${client.escapeLiteral(firstPassword)}`,
    );
    await client.query(`CREATE SCHEMA shop AUTHORIZATION ${username}`);
  });
  const connection = { engine: 'postgres', host: postgres.host, port: postgres.port, ssl: true };
  const superuser = await sm.send(
    new CreateSecretCommand({
      Name: 'rotasync-superuser/demo-postgres',
      Description: 'Demo: the superuser that creates and updates the clone',
      SecretString: JSON.stringify({
        ...connection,
        username: postgres.adminUser,
        password: postgres.adminPassword,
      }),
    }),
  );
  const name = 'rotasync-demo/postgres/app-alt';
  const created = await sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({
        ...connection,
        username,
        password: firstPassword,
        dbname: 'postgres',
        masterarn: superuser.ARN,
      }),
    }),
  );
  const arn = created.ARN ?? name;
  line('secret', `${name} (masterarn: rotasync-superuser/demo-postgres)`);

  const readStage = (stage: string) => readCredentials(sm, arn, stage);
  const logsIn = (user: string, password: string) => pgLogsIn(postgres, user, password);
  const asUser = async (user: string, password: string, sql: string) => {
    const client = new pg.Client({
      host: postgres.host,
      port: postgres.port,
      user,
      password,
      database: 'postgres',
      ssl: { ca: postgres.caCertPem ?? '' },
    });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  for (let round = 1; round <= 2; round += 1) {
    const before = await readStage('AWSCURRENT');
    // An application session opened before the rotation, held across it.
    const session = new pg.Client({
      host: postgres.host,
      port: postgres.port,
      user: before.username,
      password: before.password,
      database: 'postgres',
      ssl: { ca: postgres.caCertPem ?? '' },
    });
    await session.connect();
    const watcher = watchCurrentLogins(() => readStage('AWSCURRENT'), logsIn);
    const startedAt = Date.now();
    const outcome = await rotateNow(stack, sm, arn);
    const watch = await watcher.stop();
    const after = await readStage('AWSCURRENT');
    const steps = (outcome.steps ?? []).map((step) => `${step.step} ${ms(step.durationMs)}`);
    line(
      `rotation ${round}`,
      `${before.username} → ${after.username}  ${ms(Date.now() - startedAt)}  ${dim(steps.join(' · '))}`,
    );
    line(
      '',
      `an application reading AWSCURRENT for every login meanwhile: ${watch.attempts} logins, ` +
        `${watch.refused} refused`,
    );
    await session.query('SELECT 1');
    await session.end();
    line('', ok(`the session ${before.username} opened before the rotation still works`));
    const previous = await readStage('AWSPREVIOUS');
    const previousWorks = await logsIn(previous.username, previous.password);
    line(
      '',
      `${ok(`AWSCURRENT (${after.username}) logs in`)}   ` +
        (previousWorks
          ? ok(`AWSPREVIOUS (${previous.username}) still logs in, untouched`)
          : `!! AWSPREVIOUS (${previous.username}) refused: unexpected`),
    );
    // Objects made by either user stay usable by both (the clone acts as the original).
    await asUser(after.username, after.password, `CREATE TABLE shop.orders_${round} (id int)`);
    await asUser(
      previous.username,
      previous.password,
      `INSERT INTO shop.orders_${round} VALUES (1)`,
    );
    line(
      '',
      ok(
        `table shop.orders_${round} made by ${after.username} is writable by ${previous.username}`,
      ),
    );
  }
};
