import { describe, expect, it } from 'vitest';
import { createSecret } from '#functions/rotate/steps/create-secret.js';
import { Stage } from '#shared/aws/secret-store.js';
import { SecretFormatError } from '#shared/errors.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import {
  appSecret,
  depsWith,
  NEW_PASSWORD,
  rotatingStore,
  SECRET_ID,
  stepRequest,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';

describe('createSecret', () => {
  it('stages every key of AWSCURRENT with a new password, AWSPENDING only, under the token', async () => {
    // Prepare
    const store = rotatingStore(appSecret({ ssl: true, masterarn: 'arn:master' }));
    const deps = depsWith(store, new FakeDatabase());
    // Act
    await createSecret(await stepRequest(store, 'createSecret'), deps);
    // Assess
    const versions = store.versionsOf(SECRET_ID);
    expect(versions[TOKEN]?.stages).toEqual([Stage.Pending]);
    expect(JSON.parse(versions[TOKEN]?.value ?? '{}')).toEqual({
      ...JSON.parse(appSecret({ ssl: true, masterarn: 'arn:master' })),
      password: NEW_PASSWORD,
    });
    expect(versions['v-current']?.stages).toEqual([Stage.Current]);
  });

  it('reads AWSCURRENT once and puts once, passing the RotationToken on', async () => {
    // Prepare
    const store = rotatingStore();
    const deps = depsWith(store, new FakeDatabase());
    const base = await stepRequest(store, 'createSecret');
    store.calls.length = 0;
    // Act
    await createSecret({ ...base, event: { ...base.event, RotationToken: 'rt-1' } }, deps);
    // Assess
    expect(store.calls).toEqual([
      { op: 'read', secretId: SECRET_ID, stage: Stage.Current },
      { op: 'putValue', secretId: SECRET_ID, versionId: TOKEN, rotationToken: 'rt-1' },
    ]);
  });

  it('keeps the first value when retried (PutSecretValue answers exists)', async () => {
    // Prepare
    const store = rotatingStore();
    await createSecret(
      await stepRequest(store, 'createSecret'),
      depsWith(store, new FakeDatabase()),
    );
    const staged = store.versionsOf(SECRET_ID);
    const retry = depsWith(store, new FakeDatabase(), 'Another-Password-0000000000000000');
    // Act
    await createSecret(await stepRequest(store, 'createSecret'), retry);
    // Assess
    expect(store.versionsOf(SECRET_ID)).toEqual(staged);
    expect(retry.log.lines.map((line) => line.message)).toContain(
      'pending version was already staged',
    );
  });

  it('fails with SecretFormatError naming the field when AWSCURRENT lacks one, writing nothing', async () => {
    // Prepare
    const store = rotatingStore(appSecret({ host: undefined }));
    const deps = depsWith(store, new FakeDatabase());
    // Act
    const run = createSecret(await stepRequest(store, 'createSecret'), deps);
    // Assess
    await expect(run).rejects.toThrow(SecretFormatError);
    await expect(run).rejects.toThrow(/"host" is missing/);
    expect(store.count('putValue')).toBe(0);
  });

  it('fails with SecretFormatError when no version is AWSCURRENT', async () => {
    // Prepare
    const store = new FakeSecretStore();
    store.startRotation(SECRET_ID, TOKEN);
    const deps = depsWith(store, new FakeDatabase());
    // Act
    const run = createSecret(await stepRequest(store, 'createSecret'), deps);
    // Assess
    await expect(run).rejects.toThrow(/no version is staged AWSCURRENT/);
  });
});
