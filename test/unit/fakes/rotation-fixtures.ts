/** Shared fixtures for the rotation tests: secrets, events, deps over fakes. */

import type { RotateDeps } from '../../../functions/rotate/deps.js';
import { singleUser } from '../../../functions/rotate/strategies/single-user.js';
import type { Deadline } from '../../../shared/deadline.js';
import type { RotationEvent, RotationStep } from '../../../shared/inputs/rotation-event.js';
import { Sensitive } from '../../../shared/sensitive.js';
import { type FakeDatabase, fakeEngine } from './fake-engine.js';
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
  public info(message: string, ...attributes: Record<string, unknown>[]): void {
    this.lines.push({ message, attributes });
  }
}

/** A store with the app secret current and a rotation started under TOKEN. */
export const rotatingStore = (current: string = appSecret()): FakeSecretStore => {
  const store = FakeSecretStore.withCurrent(SECRET_ID, current);
  store.startRotation(SECRET_ID, TOKEN);
  return store;
};

export const plentyOfTime: Deadline = { remainingMs: () => 60_000 };

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
  strategy: singleUser,
  generatePassword: () => new Sensitive(password),
  connect: { connectTimeoutMs: 5000, caBundle: undefined },
  log: new RecordingLog(),
});
