/** The opt-in request-rate quota, end to end: the SDK sees ThrottlingException (HTTP 400). */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local-cloud/index.js';

describe('request-rate quotas over HTTP', () => {
  it('throttles over HTTP before the call changes anything', async () => {
    // Prepare: one write every 20 s in us-east-1, so the second write at once is over quota.
    const cloud = await startLocalCloud();
    const sm = new SecretsManagerClient({
      endpoint: cloud.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
    });
    try {
      await sm.send(new CreateSecretCommand({ Name: 'quota/app', SecretString: 'v1' }));
      cloud.faults.set({ requestQuota: { scale: 0.001 } });
      await sm.send(new PutSecretValueCommand({ SecretId: 'quota/app', SecretString: 'v2' }));
      // Act
      const throttled = sm.send(
        new PutSecretValueCommand({ SecretId: 'quota/app', SecretString: 'v3' }),
      );
      // Assess
      await expect(throttled).rejects.toMatchObject({
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      });
      const current = await sm.send(new GetSecretValueCommand({ SecretId: 'quota/app' }));
      expect(current.SecretString).toBe('v2');
      const logged = cloud.requestLog.entries().map((entry) => entry.outcome);
      expect(logged.filter((outcome) => outcome === 'ThrottlingException')).toHaveLength(1);
    } finally {
      sm.destroy();
      await cloud.stop();
    }
  });
});
