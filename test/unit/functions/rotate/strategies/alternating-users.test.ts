import { describe, expect, it } from 'vitest';
import type { RotateDeps } from '#functions/rotate/deps.js';
import { rotate } from '#functions/rotate/rotate.js';
import {
  alternateUsername,
  alternatingUsers,
  baseUsername,
} from '#functions/rotate/strategies/alternating-users.js';

import { Stage } from '#shared/aws/secret-store.js';
import {
  ClonePrivilegesError,
  CredentialsMismatchError,
  LoginRejectedError,
  NotACloneError,
  SecretFormatError,
  SuperuserSecretError,
} from '#shared/errors.js';
import { parseDatabaseSecret } from '#shared/inputs/database-secret.js';
import { ROTATION_STEPS, type RotationStep } from '#shared/inputs/rotation-event.js';
import { Sensitive } from '#shared/sensitive.js';
import type { FakeDatabase } from '#test/fakes/fake-engine.js';
import { FakeRdsEndpointLookup } from '#test/fakes/fake-rds.js';
import type { FakeSecretStore, StoreCall } from '#test/fakes/fake-secret-store.js';
import {
  alternatingDatabase,
  alternatingDepsWith,
  alternatingSecret,
  alternatingStore,
  CURRENT_PASSWORD,
  MASTER_ARN,
  MASTER_PASSWORD,
  masterSecret,
  plentyOfTime,
  rotationEvent,
  SECRET_ID,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';
import { errorOf } from '#test/helpers/error-of.js';

const step = (name: RotationStep, deps: RotateDeps, token = TOKEN) =>
  rotate(rotationEvent(name, token), deps, plentyOfTime);

const runRotation = async (deps: RotateDeps, token = TOKEN): Promise<void> => {
  for (const name of ROTATION_STEPS) await step(name, deps, token);
};

const currentOf = (store: FakeSecretStore): { username: string; password: string } =>
  JSON.parse(store.valueAt(SECRET_ID, Stage.Current) ?? '{}');

const writes = (store: FakeSecretStore): StoreCall[] =>
  store.calls.filter((call) => call.op === 'putValue' || call.op === 'promote');

describe('alternateUsername / baseUsername', () => {
  it('toggles the _clone suffix both ways', () => {
    // Prepare
    const names = ['app', 'app_clone', 'a_clone_clone'];
    // Act
    const alternates = names.map(alternateUsername);
    const bases = names.map(baseUsername);
    // Assess
    expect(alternates).toEqual(['app_clone', 'app', 'a_clone']);
    expect(bases).toEqual(['app', 'app', 'a_clone']);
  });
});

describe('alternating users, over several rotations', () => {
  it('toggles app → app_clone → app → app_clone → app, each new user working', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    const seen: string[] = [];
    // Act
    for (const token of [
      'tok-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'tok-2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      'tok-3-cccccccccccccccccccccccccccccccc',
      'tok-4-dddddddddddddddddddddddddddddddd',
    ]) {
      store.startRotation(SECRET_ID, token);
      await runRotation(deps, token);
      const current = currentOf(store);
      seen.push(current.username);
      expect(database.passwordOf(current.username)).toBe(current.password);
    }
    // Assess
    expect(seen).toEqual(['app_clone', 'app', 'app_clone', 'app']);
    expect(database.privilegesOf('app_clone')).toEqual(database.privilegesOf('app'));
    expect(database.openSessions).toBe(0);
  });

  it('never alters the user that is current during a rotation', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    const tokens = [
      'tok-1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'tok-2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      'tok-3-cccccccccccccccccccccccccccccccc',
    ];
    for (const token of tokens) {
      const before = currentOf(store);
      const changesBefore = database.changes.length;
      store.startRotation(SECRET_ID, token);
      // Act
      await runRotation(deps, token);
      // Assess
      const changed = database.changes.slice(changesBefore).map((change) => change.user);
      expect(changed).not.toContain(before.username);
      expect(changed.length).toBeGreaterThan(0);
      expect(database.passwordOf(before.username)).toBe(before.password);
    }
  });

  it('keeps every other key of the secret, masterarn included', async () => {
    // Prepare
    const store = alternatingStore();
    const deps = alternatingDepsWith(store, alternatingDatabase());
    // Act
    await runRotation(deps);
    // Assess
    const current = JSON.parse(store.valueAt(SECRET_ID, Stage.Current) ?? '{}');
    expect(current).toMatchObject({
      masterarn: MASTER_ARN,
      host: 'db.internal',
      dbname: 'appdb',
      region_hint: 'kept-verbatim',
      username: 'app_clone',
    });
  });

  it('makes 12 Secrets Manager calls and 4 logins, none failing, on the first rotation', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    // Act
    await runRotation(alternatingDepsWith(store, database));
    // Assess
    const ops = (call: StoreCall) =>
      [call.op, call.secretId === MASTER_ARN ? 'master' : '', call.stage ?? '']
        .join(' ')
        .replace(/ +/g, ' ')
        .trim();
    expect(store.calls.map(ops)).toEqual([
      'describe',
      'read AWSCURRENT',
      'putValue',
      'describe',
      'read AWSCURRENT',
      'read AWSPENDING',
      'read master AWSCURRENT',
      'describe',
      'read AWSPENDING',
      'read master AWSCURRENT',
      'describe',
      'promote',
    ]);
    expect(database.logins.map((login) => [login.username, login.accepted])).toEqual([
      ['app', true],
      ['postgres', true],
      ['app_clone', true],
      ['postgres', true],
    ]);
  });
});

describe('alternating users: setSecret', () => {
  it('runs ensureClone on every setSecret, retries included, even when the clone logs in', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    // Act
    await step('setSecret', deps);
    await step('setSecret', deps);
    // Assess
    const ensures = database.statements.filter((s) => s.startsWith('ensure clone'));
    expect(ensures).toEqual([
      'ensure clone app_clone of app as postgres',
      'ensure clone app_clone of app as postgres',
    ]);
  });

  it('converges after a crash between creating the clone and copying its privileges', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    database.crashAfterCreateUser = true;
    await expect(step('setSecret', deps)).rejects.toThrow('connection lost');
    // The half-made clone logs in but holds nothing: testSecret must refuse it.
    expect(database.hasUser('app_clone')).toBe(true);
    await expect(step('testSecret', deps)).rejects.toBeInstanceOf(ClonePrivilegesError);
    // Act
    await runRotation(deps);
    // Assess
    expect(currentOf(store).username).toBe('app_clone');
    expect(database.privilegesOf('app_clone')).toEqual(['INSERT ON orders', 'SELECT ON orders']);
  });

  it('sets only the original back when toggling from the clone, leaving the clone untouched', async () => {
    // Prepare
    const store = alternatingStore(alternatingSecret({ username: 'app_clone' }));
    const database = alternatingDatabase();
    database.setUser('app_clone', CURRENT_PASSWORD);
    database.setUser('app', 'Old-Original_pw1');
    database.grant('app_clone', 'SELECT ON orders', 'INSERT ON orders');
    const deps = alternatingDepsWith(store, database);
    // Act
    await runRotation(deps);
    // Assess
    expect(currentOf(store).username).toBe('app');
    expect(database.changes).toEqual([{ op: 'setPassword', user: 'app', by: 'postgres' }]);
    expect(store.calls).toHaveLength(11);
    expect(database.logins.map((login) => [login.username, login.accepted])).toEqual([
      ['app_clone', true],
      ['postgres', true],
      ['app', true],
    ]);
    expect(database.passwordOf('app_clone')).toBe(CURRENT_PASSWORD);
  });

  it('refuses, before any change, to set the original for a current user that is not its clone', async () => {
    // Prepare: app_clone logs in, but holds none of app's privileges (someone else's user)
    const store = alternatingStore(alternatingSecret({ username: 'app_clone' }));
    const database = alternatingDatabase();
    database.setUser('app_clone', CURRENT_PASSWORD);
    database.setUser('app', 'Victim-Own_pw1');
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(NotACloneError);
    expect(error.message).toContain(SECRET_ID);
    expect(database.changes).toEqual([]);
    expect(database.passwordOf('app')).toBe('Victim-Own_pw1');
  });

  it('refuses a pending username that is not the alternate of current', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    store.addVersion(SECRET_ID, TOKEN, alternatingSecret({ username: 'admin' }), [Stage.Pending]);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(CredentialsMismatchError);
    expect(database.logins).toEqual([]);
  });

  it.each([
    ['host', { host: 'other.internal' }],
    ['port', { port: 5433 }],
    ['dbname', { dbname: 'otherdb' }],
    ['engine', { engine: 'mysql' }],
    ['masterarn', { masterarn: `${MASTER_ARN}-other` }],
  ])('refuses a pending version whose %s differs', async (_field, change) => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    const pending = alternatingSecret({ username: 'app_clone', ...change });
    store.addVersion(SECRET_ID, TOKEN, pending, [Stage.Pending]);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(CredentialsMismatchError);
    expect(database.changes).toEqual([]);
  });

  it('refuses when the current credentials do not log in, before reading the superuser', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    database.setUser('app', 'Changed-Elsewhere_1');
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(LoginRejectedError);
    expect(error.message).toContain(SECRET_ID);
    expect(store.calls.filter((call) => call.secretId === MASTER_ARN)).toEqual([]);
    expect(database.changes).toEqual([]);
  });
});

describe('alternating users: TLS of the superuser login', () => {
  it.each([
    ['the rotated secret has ssl false', { ssl: false }, {}],
    ['the rotated secret has ssl "prefer"', { ssl: 'prefer' }, {}],
    ['neither secret has ssl', {}, {}],
    ['the superuser secret has ssl true', {}, { ssl: true }],
  ])('verifies TLS when %s', async (_name, appChange, masterChange) => {
    // Prepare
    const store = alternatingStore(alternatingSecret(appChange), masterSecret(masterChange));
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    // Act
    await step('setSecret', deps);
    // Assess
    const superuser = database.logins.find((login) => login.username === 'postgres');
    expect(superuser?.endpoint.tls).toBe('require');
  });

  it('verifies TLS for an RDS-managed master secret even when the rotated secret has ssl false', async () => {
    // Prepare: the RDS-managed master (no ssl of its own) must not inherit the rotated one's
    const store = alternatingStore(
      alternatingSecret({ ssl: false }),
      JSON.stringify({ username: 'postgres', password: MASTER_PASSWORD }),
    );
    const instanceArn = 'arn:aws:rds:us-east-1:123456789012:db:app-db';
    store.setTags(MASTER_ARN, { 'aws:rds:primaryDBInstanceArn': instanceArn });
    const rds = new FakeRdsEndpointLookup().add('instance', instanceArn, {
      host: 'db.internal',
      port: 5432,
      engine: 'postgres',
      hostnames: ['db.internal'],
    });
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database, { rds });
    await step('createSecret', deps);
    // Act
    await step('setSecret', deps);
    // Assess
    const superuser = database.logins.find((login) => login.username === 'postgres');
    expect(superuser?.endpoint.tls).toBe('require');
    const app = database.logins.find((login) => login.username === 'app');
    expect(app?.endpoint.tls).toBe('disable');
  });
});

describe('alternating users: an unusable superuser secret changes nothing', () => {
  const accessDenied = Object.assign(new Error('User is not authorized'), {
    name: 'AccessDeniedException',
  });
  const cases: [string, (store: FakeSecretStore, db: FakeDatabase) => void, RegExp, string][] = [
    ['missing', () => undefined, /has no AWSCURRENT version/, 'SuperuserSecretError'],
    [
      'unreadable',
      (store) => store.failAlways(MASTER_ARN, accessDenied),
      /could not be read \(AccessDeniedException\)/,
      'SuperuserSecretError',
    ],
    [
      'not JSON',
      (store) =>
        store.addVersion(MASTER_ARN, 'v-m', `{"password":"${MASTER_PASSWORD}"`, [Stage.Current]),
      /is not JSON/,
      'SuperuserSecretError',
    ],
    [
      'without a password',
      (store) =>
        store.addVersion(MASTER_ARN, 'v-m', masterSecret({ password: undefined }), [Stage.Current]),
      /field "password" is missing/,
      'SuperuserSecretError',
    ],
    [
      'for another host',
      (store) =>
        store.addVersion(MASTER_ARN, 'v-m', masterSecret({ host: 'elsewhere.internal' }), [
          Stage.Current,
        ]),
      /is for elsewhere\.internal:5432, not this secret's database db\.internal:5432/,
      'SuperuserSecretError',
    ],
    [
      'for another engine',
      (store) =>
        store.addVersion(MASTER_ARN, 'v-m', masterSecret({ engine: 'mysql', port: 5432 }), [
          Stage.Current,
        ]),
      /is for engine mysql/,
      'SuperuserSecretError',
    ],
    [
      'for one of the two users',
      (store, db) => {
        db.addSuperuser('app', CURRENT_PASSWORD);
        store.addVersion(
          MASTER_ARN,
          'v-m',
          masterSecret({ username: 'app', password: CURRENT_PASSWORD }),
          [Stage.Current],
        );
      },
      /one of the two alternating users/,
      'SuperuserSecretError',
    ],
    [
      'rejected by the database',
      (store, db) => {
        store.addVersion(MASTER_ARN, 'v-m', masterSecret(), [Stage.Current]);
        db.setUser('postgres', 'Rotated-Elsewhere_9');
      },
      /rejected the superuser postgres/,
      'LoginRejectedError',
    ],
    [
      'without host and without an RDS tag',
      (store) =>
        store.addVersion(
          MASTER_ARN,
          'v-m',
          JSON.stringify({ username: 'postgres', password: MASTER_PASSWORD }),
          [Stage.Current],
        ),
      /not an RDS-managed master secret/,
      'SuperuserSecretError',
    ],
  ];

  it.each(cases)('refuses a superuser secret %s', async (_name, arrange, message, errorName) => {
    // Prepare
    const store = alternatingStore(alternatingSecret(), null);
    const database = alternatingDatabase();
    arrange(store, database);
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    const writesBefore = writes(store).length;
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error.name).toBe(errorName);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(MASTER_ARN);
    expect(`${error.message}${error.stack}${JSON.stringify(deps.log.lines)}`).not.toContain(
      MASTER_PASSWORD,
    );
    expect(database.changes).toEqual([]);
    expect(writes(store).length).toBe(writesBefore);
    expect(database.openSessions).toBe(0);
  });

  it('reports a missing masterarn field as a SecretFormatError of the strategy', async () => {
    // Prepare
    const database = alternatingDatabase();
    const store = alternatingStore();
    const deps = alternatingDepsWith(store, database);
    const strategy = alternatingUsers({
      superusers: { read: () => Promise.reject(new Error('not reached')) },
      engineFor: deps.engineFor,
    });
    const secret = parseDatabaseSecret(new Sensitive(alternatingSecret({ masterarn: undefined })));
    const context = {
      where: {},
      sessions: { login: () => Promise.reject(new Error('not reached')) },
      readPrevious: () => Promise.resolve(undefined),
      log: deps.log,
    };
    // Act
    const error = await errorOf(strategy.setPending(secret, secret, context));
    // Assess
    expect(error).toBeInstanceOf(SecretFormatError);
    expect(error.message).toContain('"masterarn"');
  });
});

describe('alternating users: testSecret', () => {
  it('refuses a clone whose privileges differ from the original', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    await step('setSecret', deps);
    database.grant('app', 'DELETE ON orders');
    // Act
    const error = await errorOf(step('testSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(ClonePrivilegesError);
    expect(error.message).toContain('app_clone lacks DELETE ON orders');
    expect(store.count('promote')).toBe(0);
  });

  it('refuses a pending user that does not log in', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('testSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(LoginRejectedError);
  });
});

describe('alternating users: user names within the engine limit', () => {
  it.each([
    ['postgres', 58, true],
    ['postgres', 57, false],
    ['mysql', 27, true],
    ['mysql', 26, false],
  ] as const)('%s, base name of %i characters: refused=%s', async (engine, length, refused) => {
    // Prepare
    const username = 'u'.repeat(length);
    const store = alternatingStore(alternatingSecret({ username }));
    const deps = alternatingDepsWith(store, alternatingDatabase(), { engine });
    // Act
    const outcome = step('createSecret', deps);
    // Assess
    if (refused) {
      const error = await errorOf(outcome);
      expect(error).toBeInstanceOf(SecretFormatError);
      expect(error.message).toContain('"username"');
      expect(error.message).toContain(`limit of ${engine === 'postgres' ? 63 : 32}`);
      expect(error.message).not.toContain(username);
      expect(store.count('putValue')).toBe(0);
    } else {
      await outcome;
      expect(store.count('putValue')).toBe(1);
    }
  });

  it('checks the clone name also when current is the clone', async () => {
    // Prepare
    const store = alternatingStore(alternatingSecret({ username: `${'u'.repeat(58)}_clone` }));
    const deps = alternatingDepsWith(store, alternatingDatabase());
    // Act
    const error = await errorOf(step('createSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(SecretFormatError);
    expect(store.count('putValue')).toBe(0);
  });
});

describe('alternating users: an RDS-managed master secret', () => {
  const INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:app-db';
  const CLUSTER_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:app-cluster';
  const rdsMaster = JSON.stringify({ username: 'postgres', password: MASTER_PASSWORD });

  it.each([
    ['aws:rds:primaryDBInstanceArn', 'instance', INSTANCE_ARN],
    ['AWS:RDS:PRIMARYDBINSTANCEARN', 'instance', INSTANCE_ARN],
    ['aws:rds:primaryDBClusterArn', 'cluster', CLUSTER_ARN],
    ['aws:rds:primarydbclusterarn', 'cluster', CLUSTER_ARN],
  ] as const)('finds the endpoint through tag %s', async (tag, kind, arn) => {
    // Prepare
    const store = alternatingStore(alternatingSecret(), rdsMaster);
    store.setTags(MASTER_ARN, { [tag]: arn, owner: 'rds' });
    // The secret's host db.internal is the instance's address, or a custom cluster endpoint.
    const writer = kind === 'cluster' ? 'writer.rds.internal' : 'db.internal';
    const rds = new FakeRdsEndpointLookup().add(kind, arn, {
      host: writer,
      port: 5432,
      engine: kind === 'cluster' ? 'aurora-postgresql' : 'postgres',
      hostnames: kind === 'cluster' ? [writer, 'reader.rds.internal', 'DB.internal'] : [writer],
    });
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database, { rds });
    // Act
    await runRotation(deps);
    // Assess
    expect(rds.lookups).toEqual([
      { kind, arn },
      { kind, arn },
    ]);
    const superuserLogins = database.logins.filter((login) => login.username === 'postgres');
    expect(superuserLogins.map((login) => login.endpoint.host)).toEqual([writer, writer]);
    expect(currentOf(store).username).toBe('app_clone');
  });

  it('refuses an RDS master of another database than the secret host (confused deputy)', async () => {
    // Prepare
    const store = alternatingStore(alternatingSecret(), rdsMaster);
    const instanceArn = 'arn:aws:rds:us-east-1:123456789012:db:app-db';
    store.setTags(MASTER_ARN, { 'aws:rds:primaryDBInstanceArn': instanceArn });
    const rds = new FakeRdsEndpointLookup().add('instance', instanceArn, {
      host: 'other-db.rds.internal',
      port: 5432,
      engine: 'postgres',
      hostnames: ['other-db.rds.internal'],
    });
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database, { rds });
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(SuperuserSecretError);
    expect(error.message).toContain(
      "is for other-db.rds.internal:5432 (from RDS), not this secret's database db.internal:5432",
    );
    expect(database.logins.map((login) => login.username)).toEqual(['app']);
    expect(database.changes).toEqual([]);
  });

  it('refuses a tagged database RDS does not know, changing nothing', async () => {
    // Prepare
    const store = alternatingStore(alternatingSecret(), rdsMaster);
    store.setTags(MASTER_ARN, { 'aws:rds:primaryDBInstanceArn': INSTANCE_ARN });
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database, { rds: new FakeRdsEndpointLookup() });
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(SuperuserSecretError);
    expect(error.message).toContain(INSTANCE_ARN);
    expect(database.changes).toEqual([]);
  });

  it('refuses an RDS engine of another family', async () => {
    // Prepare
    const store = alternatingStore(alternatingSecret(), rdsMaster);
    const instanceArn = 'arn:aws:rds:us-east-1:123456789012:db:app-db';
    store.setTags(MASTER_ARN, { 'aws:rds:primaryDBInstanceArn': instanceArn });
    const rds = new FakeRdsEndpointLookup().add('instance', instanceArn, {
      host: 'db.internal',
      port: 5432,
      engine: 'oracle-ee',
      hostnames: ['db.internal'],
    });
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database, { rds });
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(SuperuserSecretError);
    expect(error.message).toContain('oracle-ee');
    expect(database.changes).toEqual([]);
  });

  it('wraps an RDS failure without its text', async () => {
    // Prepare
    const store = alternatingStore(alternatingSecret(), rdsMaster);
    store.setTags(MASTER_ARN, { 'aws:rds:primaryDBClusterArn': CLUSTER_ARN });
    const rds = new FakeRdsEndpointLookup();
    rds.failWith = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    const deps = alternatingDepsWith(store, alternatingDatabase(), { rds });
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(SuperuserSecretError);
    expect(error.message).toContain('(AccessDenied)');
  });
});

describe('the strategy is picked from the secret', () => {
  it('rotates a secret without masterarn (the superuser own) as a single user', async () => {
    // Prepare
    const store = alternatingStore(masterSecret());
    const database = alternatingDatabase();
    const deps = alternatingDepsWith(store, database);
    // Act
    await runRotation(deps);
    // Assess
    const current = currentOf(store);
    expect(current.username).toBe('postgres');
    expect(database.passwordOf('postgres')).toBe(current.password);
    expect(current.password).not.toBe(MASTER_PASSWORD);
    expect(database.hasUser('postgres_clone')).toBe(false);
  });

  it('logs the strategy it picked', async () => {
    // Prepare
    const store = alternatingStore();
    const deps = alternatingDepsWith(store, alternatingDatabase());
    // Act
    await runRotation(deps);
    // Assess
    const picked = deps.log.lines.filter((line) => line.message === 'rotating');
    expect(picked.map((line) => line.attributes[0])).toEqual([{ strategy: 'alternating-users' }]);
  });
});

describe('leak canary: the superuser password', () => {
  it('never appears in log lines of a full rotation', async () => {
    // Prepare
    const store = alternatingStore();
    const deps = alternatingDepsWith(store, alternatingDatabase());
    // Act
    await runRotation(deps);
    // Assess
    expect(JSON.stringify(deps.log.lines)).not.toContain(MASTER_PASSWORD);
    expect(JSON.stringify(deps.log.lines)).not.toContain(CURRENT_PASSWORD);
  });

  it('never appears in a superuser login failure', async () => {
    // Prepare
    const store = alternatingStore();
    const database = alternatingDatabase();
    database.setUser('postgres', 'Elsewhere_pw_77');
    const deps = alternatingDepsWith(store, database);
    await step('createSecret', deps);
    // Act
    const error = await errorOf(step('setSecret', deps));
    // Assess
    expect(error).toBeInstanceOf(LoginRejectedError);
    expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain(MASTER_PASSWORD);
  });
});
