import { describe, expect, it } from 'vitest';
import { testSecret } from '#functions/rotate/steps/test-secret.js';
import { Stage } from '#shared/aws/secret-store.js';
import {
  DatabaseUnreachableError,
  LoginRejectedError,
  VersionNotPendingError,
} from '#shared/errors.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import {
  CURRENT_PASSWORD,
  depsWith,
  NEW_PASSWORD,
  rotatingStore,
  SECRET_ID,
  stepRequest,
  storeWithPending,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';

const setup = async (database: FakeDatabase, withPending = true) => {
  const store = withPending ? storeWithPending() : rotatingStore();
  const request = await stepRequest(store, 'testSecret');
  store.calls.length = 0;
  return { store, request, deps: depsWith(store, database) };
};

describe('testSecret', () => {
  it('logs in with the pending password and probes, reading only the pending version', async () => {
    // Prepare
    const database = new FakeDatabase({ app: NEW_PASSWORD });
    const { store, request, deps } = await setup(database);
    // Act
    await testSecret(request, deps);
    // Assess
    expect(database.logins.map((l) => [l.password, l.accepted])).toEqual([[NEW_PASSWORD, true]]);
    expect(database.statements).toEqual(['probe as app', 'close app']);
    expect(store.calls).toEqual([
      { op: 'read', secretId: SECRET_ID, stage: Stage.Pending, versionId: TOKEN },
    ]);
  });

  it('fails with LoginRejectedError when the pending password is rejected', async () => {
    // Prepare
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    const { request, deps } = await setup(database);
    // Act
    const run = testSecret(request, deps);
    // Assess
    await expect(run).rejects.toBeInstanceOf(LoginRejectedError);
    expect(database.statements).toEqual([]);
  });

  it('fails with DatabaseUnreachableError when the server cannot be reached', async () => {
    // Prepare
    const database = new FakeDatabase({ app: NEW_PASSWORD });
    database.unreachable = true;
    const { request, deps } = await setup(database);
    // Act
    const run = testSecret(request, deps);
    // Assess
    await expect(run).rejects.toBeInstanceOf(DatabaseUnreachableError);
  });

  it('fails with VersionNotPendingError when the token holds no value and is not AWSPENDING', async () => {
    // Prepare: a token with no value that DescribeSecret does not show staged AWSPENDING.
    // (Staged AWSPENDING without a value, it is the service's configuration test: see below.)
    const database = new FakeDatabase({ app: NEW_PASSWORD });
    const { request, deps } = await setup(database, false);
    const { [TOKEN]: _registered, ...others } = request.metadata.versions;
    // Act
    const run = testSecret(
      { ...request, metadata: { ...request.metadata, versions: others } },
      deps,
    );
    // Assess
    await expect(run).rejects.toBeInstanceOf(VersionNotPendingError);
    expect(database.logins).toEqual([]);
  });
});

describe('testSecret as the service tests a configuration (RotateImmediately=false)', () => {
  /** RotateSecret registered the token as AWSPENDING without a value, then invoked testSecret. */
  const configurationTest = async (database: FakeDatabase) => {
    const store = rotatingStore();
    store.addVersion(SECRET_ID, TOKEN, undefined, [Stage.Pending]);
    return testSecret(await stepRequest(store, 'testSecret'), depsWith(store, database));
  };

  it('logs in with AWSCURRENT when the AWSPENDING version holds no value', async () => {
    // Prepare
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    // Act
    await configurationTest(database);
    // Assess
    expect(database.logins.map((l) => [l.password, l.accepted])).toEqual([
      [CURRENT_PASSWORD, true],
    ]);
  });

  it('fails when AWSCURRENT no longer logs in', async () => {
    // Prepare
    const database = new FakeDatabase({ app: NEW_PASSWORD });
    // Act
    const run = configurationTest(database);
    // Assess
    await expect(run).rejects.toBeInstanceOf(LoginRejectedError);
  });
});
