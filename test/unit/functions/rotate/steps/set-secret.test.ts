import { describe, expect, it } from 'vitest';
import { setSecret } from '#functions/rotate/steps/set-secret.js';
import { Stage } from '#shared/aws/secret-store.js';
import type { Deadline } from '#shared/deadline.js';
import {
  CredentialsMismatchError,
  DatabaseUnreachableError,
  LoginRejectedError,
  StepTimeoutError,
  VersionNotPendingError,
} from '#shared/errors.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import {
  appSecret,
  CURRENT_PASSWORD,
  depsWith,
  NEW_PASSWORD,
  rotatingStore,
  SECRET_ID,
  stepRequest,
  storeWithPending,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';

const PREVIOUS_PASSWORD = 'Previous-Pass_0000';

describe('setSecret', () => {
  it('logs in once with the current password and sets the pending one', async () => {
    // Prepare
    const store = storeWithPending();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    const start = await stepRequest(store, 'setSecret');
    store.calls.length = 0;
    // Act
    await setSecret(start, depsWith(store, database));
    // Assess
    expect(database.passwordOf('app')).toBe(NEW_PASSWORD);
    expect(database.logins.map((l) => [l.username, l.password, l.accepted])).toEqual([
      ['app', CURRENT_PASSWORD, true],
    ]);
    expect(database.logins[0]?.endpoint).toEqual({
      host: 'db.internal',
      port: 5432,
      database: 'appdb',
      tls: 'require',
    });
    expect(store.calls.map((c) => [c.op, c.stage, c.versionId])).toEqual([
      ['read', Stage.Current, undefined],
      ['read', Stage.Pending, TOKEN],
    ]);
    expect(database.openSessions).toBe(0);
  });

  it('sets the pending password again with the pending login on a retry (to finish every host account)', async () => {
    // Prepare
    const store = storeWithPending();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    await setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    const statements = database.statements.length;
    // Act
    await setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    // Assess
    expect(database.passwordOf('app')).toBe(NEW_PASSWORD);
    expect(database.statements.slice(statements)).toEqual([
      'set password of app as app',
      'close app',
    ]);
    expect(database.logins.slice(-2).map((l) => [l.password, l.accepted])).toEqual([
      [CURRENT_PASSWORD, false],
      [NEW_PASSWORD, true],
    ]);
    expect(store.calls.some((c) => c.stage === Stage.Previous)).toBe(false);
  });

  it('sets the password through AWSPREVIOUS when current and pending are rejected', async () => {
    // Prepare
    const store = storeWithPending();
    store.addVersion(SECRET_ID, 'v-previous', appSecret({ password: PREVIOUS_PASSWORD }), [
      Stage.Previous,
    ]);
    const database = new FakeDatabase({ app: PREVIOUS_PASSWORD });
    // Act
    await setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    // Assess
    expect(database.passwordOf('app')).toBe(NEW_PASSWORD);
    expect(database.logins.map((l) => [l.password, l.accepted])).toEqual([
      [CURRENT_PASSWORD, false],
      [NEW_PASSWORD, false],
      [PREVIOUS_PASSWORD, true],
    ]);
  });

  it('fails with LoginRejectedError naming the secret when no password logs in', async () => {
    // Prepare
    const store = storeWithPending();
    store.addVersion(SECRET_ID, 'v-previous', appSecret({ password: PREVIOUS_PASSWORD }), [
      Stage.Previous,
    ]);
    const database = new FakeDatabase({ app: 'someone-else-changed-it' });
    // Act
    const run = setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    // Assess
    await expect(run).rejects.toThrow(LoginRejectedError);
    await expect(run).rejects.toThrow(SECRET_ID);
    expect(database.statements.filter((s) => s.startsWith('set'))).toEqual([]);
  });

  it.each([
    ['a malformed AWSPREVIOUS', '{not json'],
    [
      'an AWSPREVIOUS for another host',
      appSecret({ host: 'elsewhere', password: PREVIOUS_PASSWORD }),
    ],
  ])('skips %s and reports the login failure', async (_, previous) => {
    // Prepare
    const store = storeWithPending();
    store.addVersion(SECRET_ID, 'v-previous', previous, [Stage.Previous]);
    const database = new FakeDatabase({ app: PREVIOUS_PASSWORD });
    // Act
    const run = setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    // Assess
    await expect(run).rejects.toThrow(LoginRejectedError);
    expect(database.logins).toHaveLength(2);
  });

  it('fails with DatabaseUnreachableError after one attempt when the server cannot be reached', async () => {
    // Prepare
    const store = storeWithPending();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    database.unreachable = true;
    // Act
    const run = setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    // Assess
    await expect(run).rejects.toBeInstanceOf(DatabaseUnreachableError);
    expect(database.logins).toHaveLength(1);
  });

  it.each([
    ['engine', { engine: 'aurora-postgresql' }],
    ['host', { host: 'other.internal' }],
    ['port', { port: 6543 }],
    ['dbname', { dbname: 'otherdb' }],
    ['username', { username: 'admin' }],
    // TLS off in the pending version would send the new password in the clear.
    ['ssl', { ssl: false }],
  ])(
    'refuses a pending version whose %s differs from current, before any login',
    async (field, change) => {
      // Prepare
      const store = storeWithPending(appSecret({ password: NEW_PASSWORD, ...change }));
      const database = new FakeDatabase({ app: CURRENT_PASSWORD });
      // Act
      const run = setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
      // Assess
      await expect(run).rejects.toThrow(CredentialsMismatchError);
      await expect(run).rejects.toThrow(field);
      expect(database.logins).toEqual([]);
    },
  );

  it('accepts a pending ssl written differently with the same meaning', async () => {
    // Prepare
    const store = FakeSecretStore.withCurrent(SECRET_ID, appSecret({ ssl: true }));
    store.startRotation(SECRET_ID, TOKEN);
    store.addVersion(SECRET_ID, TOKEN, appSecret({ password: NEW_PASSWORD, ssl: 'true' }), [
      Stage.Pending,
    ]);
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    // Act
    await setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    // Assess
    expect(database.passwordOf('app')).toBe(NEW_PASSWORD);
  });

  it('fails with VersionNotPendingError when createSecret has not stored a value', async () => {
    // Prepare
    const store = rotatingStore();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    // Act
    const run = setSecret(await stepRequest(store, 'setSecret'), depsWith(store, database));
    // Assess
    await expect(run).rejects.toThrow(VersionNotPendingError);
    expect(database.logins).toEqual([]);
  });

  it('passes the remaining budget as connect timeout and stops trying once it is spent', async () => {
    // Prepare: each login attempt costs 700 ms of a 1000 ms budget.
    const store = storeWithPending();
    store.addVersion(SECRET_ID, 'v-previous', appSecret({ password: PREVIOUS_PASSWORD }), [
      Stage.Previous,
    ]);
    const database = new FakeDatabase({ app: PREVIOUS_PASSWORD });
    let elapsed = 0;
    database.onLogin = () => {
      elapsed += 700;
    };
    const deadline: Deadline = { remainingMs: () => 1000 - elapsed };
    // Act
    const run = setSecret(
      await stepRequest(store, 'setSecret', deadline),
      depsWith(store, database),
    );
    // Assess
    await expect(run).rejects.toBeInstanceOf(StepTimeoutError);
    expect(database.logins.map((l) => l.connectTimeoutMs)).toEqual([1000, 300]);
    expect(database.passwordOf('app')).toBe(PREVIOUS_PASSWORD);
  });

  it('gives up with StepTimeoutError when a login never answers', async () => {
    // Prepare
    const store = storeWithPending();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    database.hang = true;
    // Act
    const run = setSecret(
      await stepRequest(store, 'setSecret', { remainingMs: () => 5 }),
      depsWith(store, database),
    );
    // Assess
    await expect(run).rejects.toBeInstanceOf(StepTimeoutError);
    expect(database.logins).toHaveLength(1);
  });
});
