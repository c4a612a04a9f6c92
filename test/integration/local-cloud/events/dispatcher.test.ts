import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '#local-cloud/events/build-events.js';
import { connectEvents, createEventDispatcher } from '#local-cloud/events/dispatcher.js';
import { startLocalCloud } from '#local-cloud/index.js';

describe('createEventDispatcher over the local cloud', () => {
  it('feeds the local cloud API calls through to a rule', async () => {
    // Prepare
    const cloud = await startLocalCloud();
    try {
      const delivered: EventBridgeEvent[] = [];
      const dispatcher = createEventDispatcher({
        targets: [
          {
            name: 'replicate',
            pattern: {
              source: ['aws.secretsmanager'],
              'detail-type': ['Secret Label Updated'],
              detail: { labelUpdated: ['AWSCURRENT'] },
            },
            deliver: async (e) => {
              delivered.push(e);
            },
          },
        ],
      });
      const unsubscribe = connectEvents(cloud, dispatcher);
      const sm = new SecretsManagerClient({
        region: 'us-east-1',
        endpoint: cloud.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      // Act
      const created = await sm.send(
        new CreateSecretCommand({ Name: 'app', SecretString: 'canary-value-1' }),
      );
      const put = await sm.send(
        new PutSecretValueCommand({ SecretId: 'app', SecretString: 'canary-value-2' }),
      );
      await dispatcher.flush();
      unsubscribe();
      // Assess
      expect(delivered.map((e) => e.detail.versionId)).toEqual([created.VersionId, put.VersionId]);
      expect(delivered.map((e) => e.resources)).toEqual([[created.ARN], [created.ARN]]);
      expect(JSON.stringify(delivered)).not.toContain('canary-value');
    } finally {
      await cloud.stop();
    }
  });
});
