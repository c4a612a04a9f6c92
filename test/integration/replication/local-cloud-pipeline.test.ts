import { Logger } from '@aws-lambda-powertools/logger';
import { RDSClient } from '@aws-sdk/client-rds';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '#functions/reconcile/reconcile.js';
import { TokenBucket } from '#functions/reconcile/token-bucket.js';
import { buildReplicateHandler } from '#functions/replicate/build-handler.js';
import { connectEvents, createEventDispatcher } from '#local-cloud/events/index.js';
import { startLocalCloud } from '#local-cloud/index.js';
import { createLocalRds } from '#local-cloud/rds/index.js';
import type { LocalCloud } from '#local-cloud/types.js';
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';
import { secretsManagerStores } from '#shared/aws/secrets-manager-store.js';
import { KnownValues } from '#shared/known-values.js';
import { redactSecrets } from '#shared/logger.js';
import { RecordingMetrics } from '#test/fakes/recording-metrics.js';
import { CANARY, config } from '#test/fakes/replication-fixtures.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

let cloud: LocalCloud;
const sm = (region: string | undefined) =>
  new SecretsManagerClient({
    region: region ?? 'us-east-1',
    endpoint: cloud.endpoint,
    credentials,
  });

beforeAll(async () => {
  const rds = createLocalRds({
    accountId: '123456789012',
    instances: [
      {
        region: 'us-east-1',
        identifier: 'orders',
        engine: 'postgres',
        host: 'orders.use1.local',
        port: 5432,
      },
      {
        region: 'eu-west-1',
        identifier: 'orders-dr',
        engine: 'postgres',
        host: 'orders.euw1.local',
        port: 6432,
        readReplicaOf: 'arn:aws:rds:us-east-1:123456789012:db:orders',
      },
    ],
  });
  cloud = await startLocalCloud({ extraServices: { rds } });
});

afterAll(async () => {
  await cloud.stop();
});

describe('replication through the local cloud with the real SDK adapters', () => {
  it('replicates on events, then a reconcile sweep finds everything in sync', async () => {
    // Prepare
    const store = secretsManagerStores(sm);
    const directory = new RdsApiDirectory(
      (region) =>
        new RDSClient({ region: region ?? 'us-east-1', endpoint: cloud.endpoint, credentials }),
    );
    const deps = { store, rds: directory, config: config() };
    const knownValues = new KnownValues();
    const logger = new Logger({
      serviceName: 'rotasync',
      logLevel: 'SILENT',
      jsonReplacerFn: redactSecrets,
    });
    const handler = buildReplicateHandler({
      deps,
      logger,
      knownValues,
      metrics: new RecordingMetrics(),
    });
    const dispatcher = createEventDispatcher({
      targets: [
        {
          name: 'replicate',
          pattern: {
            source: ['aws.secretsmanager'],
            'detail-type': ['Secret Label Updated'],
            detail: { labelUpdated: ['AWSCURRENT'] },
          },
          deliver: async (event) => {
            await handler(event as never, context);
          },
        },
      ],
      shuffle: true,
      duplicateRate: 0.5,
      seed: 11,
    });
    const unsubscribe = connectEvents(cloud, dispatcher);
    const value = (password: string) =>
      JSON.stringify({
        engine: 'postgres',
        host: 'orders.use1.local',
        port: 5432,
        username: 'app',
        password,
      });
    // Act
    await sm('us-east-1').send(
      new CreateSecretCommand({
        Name: 'orders/app',
        SecretString: value(`${CANARY}-1`),
        Tags: [{ Key: 'rotasync:replicate-to', Value: 'eu-west-1' }],
      }),
    );
    await sm('us-east-1').send(
      new PutSecretValueCommand({ SecretId: 'orders/app', SecretString: value(`${CANARY}-2`) }),
    );
    await dispatcher.flush();
    unsubscribe();
    const report = await reconcile('us-east-1', {}, { ...deps, writeBucket: new TokenBucket(10) });
    // Assess
    expect(dispatcher.deadLetters()).toEqual([]);
    const replica = await sm('eu-west-1').send(
      new GetSecretValueCommand({ SecretId: 'orders/app' }),
    );
    expect(JSON.parse(replica.SecretString ?? '{}')).toEqual({
      engine: 'postgres',
      host: 'orders.euw1.local',
      port: 6432,
      username: 'app',
      password: `${CANARY}-2`,
    });
    expect(report).toMatchObject({ checked: 1, inSync: 1, repaired: 0, failed: 0, drift: [] });
  });
});
