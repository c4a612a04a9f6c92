/** Shared fixtures for the rotation tests: secrets, events, deps over fakes. */

import type { RotateDeps, StepRequest } from '#functions/rotate/deps.js';
import { alternatingUsers } from '#functions/rotate/strategies/alternating-users.js';
import { strategyBySecret } from '#functions/rotate/strategies/by-secret.js';
import { singleUser } from '#functions/rotate/strategies/single-user.js';
import { superuserSecrets } from '#functions/rotate/superuser-secret.js';
import { Stage } from '#shared/aws/secret-store.js';
import type { Deadline } from '#shared/deadline.js';
import type { EngineName } from '#shared/engines/engine.js';
import type { RotationEvent, RotationStep } from '#shared/inputs/rotation-event.js';
import { DEFAULT_PASSWORD_POLICY } from '#shared/passwords.js';
import { Sensitive } from '#shared/sensitive.js';
import { FakeDatabase, fakeEngine } from './fake-engine.js';
import { FakeRdsEndpointLookup } from './fake-rds.js';
import { FakeSecretStore } from './fake-secret-store.js';

export const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db-AbCdEf';
export const TOKEN = '0f7d8e2a-3c4b-4d5e-8f6a-7b8c9d0e1f2a';
export const NEW_PASSWORD = 'Gen3rated-Pass_word.0123456789abc';
export const CURRENT_PASSWORD = 'Current-Pass_0001';

/** A database secret's JSON, with optional overrides (`undefined` removes a key). */
export const appSecret = (overrides: Record<string, unknown> = {}): string => {
  const base: Record<string, unknown> = {
    engine: 'postgres',
    host: 'db.internal',
    port: 5432,
    username: 'app',
    password: CURRENT_PASSWORD,
    dbname: 'appdb',
    region_hint: 'kept-verbatim',
  };
  const merged: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return JSON.stringify(merged);
};

export const rotationEvent = (Step: RotationStep, token = TOKEN): RotationEvent => ({
  Step,
  SecretId: SECRET_ID,
  ClientRequestToken: token,
});

export class RecordingLog {
  public readonly lines: { message: string; attributes: Record<string, unknown>[] }[] = [];
  public readonly keys: Record<string, string> = {};
  public info(message: string, ...attributes: Record<string, unknown>[]): void {
    this.lines.push({ message, attributes });
  }
  public appendKeys(keys: Record<string, string>): void {
    Object.assign(this.keys, keys);
  }
}

/** A store with the app secret current and a rotation started under TOKEN. */
export const rotatingStore = (current: string = appSecret()): FakeSecretStore => {
  const store = FakeSecretStore.withCurrent(SECRET_ID, current);
  store.startRotation(SECRET_ID, TOKEN);
  return store;
};

/** `rotatingStore` whose token already holds the pending version (createSecret has run). */
export const storeWithPending = (
  pending: string = appSecret({ password: NEW_PASSWORD }),
): FakeSecretStore => {
  const store = rotatingStore();
  store.addVersion(SECRET_ID, TOKEN, pending, [Stage.Pending]);
  return store;
};

export const plentyOfTime: Deadline = { remainingMs: () => 60_000 };

/** What the gate hands `step`: the event, the secret's metadata as `store` has it now, a deadline. */
export const stepRequest = async (
  store: FakeSecretStore,
  step: RotationStep,
  deadline: Deadline = plentyOfTime,
): Promise<StepRequest> => ({
  event: rotationEvent(step),
  metadata: await store.metadataOf(SECRET_ID),
  deadline,
});

export interface FakeDeps extends RotateDeps {
  readonly store: FakeSecretStore;
  readonly log: RecordingLog;
}

export const depsWith = (
  store: FakeSecretStore,
  database: FakeDatabase,
  password: string = NEW_PASSWORD,
): FakeDeps => ({
  store,
  engineFor: () => fakeEngine(database),
  strategyFor: () => singleUser,
  passwordPolicy: DEFAULT_PASSWORD_POLICY,
  generatePassword: () => new Sensitive(password),
  connect: { connectTimeoutMs: 5000, caBundle: undefined },
  log: new RecordingLog(),
});

export const MASTER_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:rotasync-superuser/pg-QwErTy';
export const MASTER_PASSWORD = 'CANARY-master-5d4c3b2a1f0e';

/** A superuser secret's JSON (self-describing), with optional overrides. */
export const masterSecret = (overrides: Record<string, unknown> = {}): string => {
  const merged: Record<string, unknown> = {
    engine: 'postgres',
    host: 'db.internal',
    port: 5432,
    username: 'postgres',
    password: MASTER_PASSWORD,
    ...overrides,
  };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return JSON.stringify(merged);
};

/** An alternating-users secret: the app secret with `masterarn`. */
export const alternatingSecret = (overrides: Record<string, unknown> = {}): string =>
  appSecret({ masterarn: MASTER_ARN, ...overrides });

/** A store rotating an alternating-users secret, with the superuser secret (`null`: none). */
export const alternatingStore = (
  current: string = alternatingSecret(),
  master: string | null = masterSecret(),
): FakeSecretStore => {
  const store = rotatingStore(current);
  if (master !== null) store.addVersion(MASTER_ARN, 'v-master', master, [Stage.Current]);
  return store;
};

/** A database with `app` (its privileges granted) and the superuser `postgres`. */
export const alternatingDatabase = (): FakeDatabase => {
  const database = new FakeDatabase({ app: CURRENT_PASSWORD });
  database.addSuperuser('postgres', MASTER_PASSWORD);
  database.grant('app', 'SELECT ON orders', 'INSERT ON orders');
  return database;
};

/** Distinct passwords, one per call: `Gen-Pass_0001-abcdefghij`, … */
const passwordSequence = (): (() => Sensitive<string>) => {
  let n = 0;
  return () => {
    n += 1;
    return new Sensitive(`Gen-Pass_${String(n).padStart(4, '0')}-abcdefghij`);
  };
};

export interface AlternatingOptions {
  readonly rds?: FakeRdsEndpointLookup;
  readonly engine?: EngineName;
  readonly generatePassword?: () => Sensitive<string>;
}

/** Deps whose strategy is picked by the secret (single user, or alternating with `masterarn`). */
export const alternatingDepsWith = (
  store: FakeSecretStore,
  database: FakeDatabase,
  options: AlternatingOptions = {},
): FakeDeps => {
  // Engines by family, as shared/engines/index.ts maps them; `options.engine` forces one.
  const engineFor = (field: string) =>
    fakeEngine(
      database,
      options.engine ??
        (field.includes('postgres') ? 'postgres' : field === 'mariadb' ? 'mariadb' : 'mysql'),
    );
  const superusers = superuserSecrets(store, options.rds ?? new FakeRdsEndpointLookup());
  return {
    ...depsWith(store, database),
    engineFor,
    strategyFor: strategyBySecret({
      singleUser,
      alternatingUsers: alternatingUsers({ superusers, engineFor }),
    }),
    generatePassword: options.generatePassword ?? passwordSequence(),
  };
};
