/**
 * Alternating users whose `masterarn` is an RDS-managed master secret (only username and
 * password, tagged with the database's ARN): host, port and engine come from the RDS API, here
 * the local cloud's RDS endpoint describing the real PostgreSQL server as an instance.
 */
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalRds } from '#local-cloud/rds/index.js';
import { postgresServer, randomPassword, uniqueName } from '#test/helpers/databases.js';
import { postgresUnderTest } from '#test/helpers/engines-under-test.js';
import {
  pemFile,
  type RotationHarness,
  startRotationHarness,
} from '#test/helpers/rotation-stack.js';

const ACCOUNT = '123456789012';
let harness: RotationHarness;

beforeAll(async () => {
  const server = postgresServer();
  const rds = createLocalRds({
    accountId: ACCOUNT,
    instances: [
      {
        region: 'us-east-1',
        identifier: 'orders-db',
        engine: 'postgres',
        host: server.host,
        port: server.port,
      },
    ],
  });
  harness = await startRotationHarness({
    environment: { ROTASYNC_CA_BUNDLE: pemFile(server.caCertPem ?? '') },
    extraServices: { rds },
  });
});

afterAll(async () => {
  await harness?.stop();
});

it('rotates alternating users through an RDS-managed master secret', async () => {
  // Prepare
  const server = postgresServer();
  const masterArn = harness.stack.cloud.createServiceSecret({
    region: 'us-east-1',
    name: `rds!db-${uniqueName('orders')}`,
    secretString: JSON.stringify({ username: server.adminUser, password: server.adminPassword }),
    tags: { 'aws:rds:primaryDBInstanceArn': `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db` },
  });
  const username = uniqueName('app');
  const password = randomPassword();
  await postgresUnderTest.createUser(username, password);
  const arn = await harness.createSecret(uniqueName('db/orders'), {
    engine: 'postgres',
    host: server.host,
    port: server.port,
    username,
    password,
    masterarn: masterArn,
  });
  harness.stack.cloud.requestLog.clear();

  // Act
  const outcome = await harness.rotate(arn);

  // Assess
  expect(outcome.failedStep, outcome.error).toBeUndefined();
  const current = await harness.readJson(arn, 'AWSCURRENT');
  expect(current.username).toBe(`${username}_clone`);
  expect(await postgresUnderTest.logsIn(String(current.username), String(current.password))).toBe(
    true,
  );
  const rdsCalls = harness.stack.cloud.requestLog
    .entries()
    .filter((entry) => entry.service === 'rds');
  expect(rdsCalls.map((entry) => entry.operation)).toContain('DescribeDBInstances');
});

it("narrows the password policy with the secret's tags", async () => {
  // Prepare
  const username = uniqueName('legacy');
  const password = randomPassword();
  await postgresUnderTest.createUser(username, password);
  const created = await harness.sm.send(
    new CreateSecretCommand({
      Name: uniqueName('db/legacy'),
      SecretString: JSON.stringify({
        ...postgresUnderTest.connectionFields(),
        username,
        password,
      }),
      Tags: [
        { Key: 'rotasync:password-length', Value: '17' },
        { Key: 'rotasync:password-exclude-punctuation', Value: 'true' },
      ],
    }),
  );

  // Act
  const outcome = await harness.rotate(created.ARN ?? '');

  // Assess
  expect(outcome.failedStep, outcome.error).toBeUndefined();
  const current = await harness.readJson(created.ARN ?? '', 'AWSCURRENT');
  expect(String(current.password)).toMatch(/^[A-Za-z0-9]{17}$/);
  expect(await postgresUnderTest.logsIn(username, String(current.password))).toBe(true);
});
