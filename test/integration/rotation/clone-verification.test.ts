/**
 * Alternating users must not become a way to take over another user (issue 9, defect 1). A
 * secret whose current user is `<victim>_clone` makes the superuser set `<victim>`'s password on
 * the way back to the original: it may only do so when that user really is the clone, checked
 * through the superuser before anything changes. Real servers, the real `rotate` function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClient } from '#local-cloud/databases/clients.js';
import {
  adminMaria,
  createMariaUser,
  createPgUser,
  mariadbServer,
  postgresServer,
  randomPassword,
  uniqueName,
} from '#test/helpers/databases.js';
import { mariadbUnderTest, postgresUnderTest } from '#test/helpers/engines-under-test.js';
import {
  pemFile,
  type RotationHarness,
  startRotationHarness,
} from '#test/helpers/rotation-stack.js';

let harness: RotationHarness;

beforeAll(async () => {
  const bundle = [postgresServer().caCertPem, mariadbServer().caCertPem].join('\n');
  harness = await startRotationHarness({ environment: { ROTASYNC_CA_BUNDLE: pemFile(bundle) } });
});

afterAll(async () => {
  await harness?.stop();
});

const superuserSecretFor = (server: ReturnType<typeof postgresServer>, engine: string) =>
  harness.createSecret(uniqueName(`rotasync-superuser/${engine}`), {
    engine,
    host: server.host,
    port: server.port,
    username: server.adminUser,
    password: server.adminPassword,
  });

describe('PostgreSQL', () => {
  it('refuses to set the password of a user whose "_clone" is an impostor with CREATEROLE', async () => {
    // Prepare: the victim, and an attacker who may create roles but has no rights on the victim
    const server = postgresServer();
    const victim = uniqueName('victim');
    const victimPassword = randomPassword();
    await createPgUser(victim, victimPassword);
    const attacker = uniqueName('eve');
    const attackerPassword = randomPassword();
    await createPgUser(attacker, attackerPassword, 'CREATEROLE');
    const impostorPassword = randomPassword();
    const asAttacker = pgClient(server, attacker, attackerPassword);
    await asAttacker.connect();
    const impostor = asAttacker.escapeIdentifier(`${victim}_clone`);
    await asAttacker.query(
      `CREATE ROLE ${impostor} LOGIN PASSWORD ${asAttacker.escapeLiteral(impostorPassword)}`,
    );
    // All the attacker can add: a login setting. Membership in the victim needs ADMIN on it.
    await asAttacker.query(`ALTER ROLE ${impostor} SET role = ${asAttacker.escapeLiteral(victim)}`);
    await asAttacker.end();
    const arn = await harness.createSecret(uniqueName('db/eve'), {
      ...postgresUnderTest.connectionFields(),
      username: `${victim}_clone`,
      password: impostorPassword,
      masterarn: await superuserSecretFor(server, 'postgres'),
    });

    // Act
    const outcome = await harness.rotate(arn);

    // Assess: refused before the superuser touched the victim, with a typed error
    expect(outcome.failedStep).toBe('setSecret');
    expect(outcome.error).toMatch(/is not a verified clone of/);
    expect(outcome.error).toMatch(/is not a member of/);
    expect(await postgresUnderTest.logsIn(victim, victimPassword)).toBe(true);
    const pending = await harness.readJson(arn, 'AWSPENDING');
    expect(await postgresUnderTest.logsIn(victim, String(pending.password))).toBe(false);
  });
});

describe('MariaDB', () => {
  it('refuses to set the password of a user whose "_clone" has other privileges', async () => {
    // Prepare: the victim may read a schema; an unrelated user named like its clone may not
    const server = mariadbServer();
    const victim = uniqueName('victim');
    const victimPassword = randomPassword();
    await mariadbUnderTest.createUser(victim, victimPassword);
    const impostorPassword = randomPassword();
    await createMariaUser(`${victim}_clone`, impostorPassword);
    const arn = await harness.createSecret(uniqueName('db/eve'), {
      ...mariadbUnderTest.connectionFields(),
      username: `${victim}_clone`,
      password: impostorPassword,
      masterarn: await superuserSecretFor(server, 'mariadb'),
    });

    // Act
    const outcome = await harness.rotate(arn);

    // Assess
    expect(outcome.failedStep).toBe('setSecret');
    expect(outcome.error).toMatch(/is not a verified clone of/);
    expect(await mariadbUnderTest.logsIn(victim, victimPassword)).toBe(true);
    const admin = await adminMaria();
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ?', [
      `${victim}_clone`,
    ]);
    await admin.end();
    expect(rows).toEqual([{ n: 1 }]);
  });
});
