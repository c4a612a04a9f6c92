import { describe, expect, it } from 'vitest';
import { finishSecret } from '#functions/rotate/steps/finish-secret.js';
import { Stage } from '#shared/aws/secret-store.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import {
  depsWith,
  SECRET_ID,
  stepRequest,
  storeWithPending,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';

const setup = async () => {
  const store = storeWithPending();
  const request = await stepRequest(store, 'finishSecret');
  store.calls.length = 0;
  return { store, request, deps: depsWith(store, new FakeDatabase()) };
};

describe('finishSecret', () => {
  it('moves AWSCURRENT to the token from the version holding it, with one call', async () => {
    // Prepare
    const { store, request, deps } = await setup();
    // Act
    await finishSecret(request, deps);
    // Assess
    expect(store.calls).toEqual([
      { op: 'promote', secretId: SECRET_ID, versionId: TOKEN, fromVersionId: 'v-current' },
    ]);
    expect(store.versionsOf(SECRET_ID)[TOKEN]?.stages).toEqual([Stage.Current, Stage.Pending]);
    expect(store.versionsOf(SECRET_ID)['v-current']?.stages).toEqual([Stage.Previous]);
  });

  it('does nothing when the metadata already shows the token AWSCURRENT', async () => {
    // Prepare
    const { store, request, deps } = await setup();
    await finishSecret(request, deps);
    const metadata = await store.metadataOf(SECRET_ID);
    store.calls.length = 0;
    // Act
    await finishSecret({ ...request, metadata }, deps);
    // Assess
    expect(store.calls).toEqual([]);
  });
});
