import { describe, expect, it } from 'vitest';
import type { RotateDeps } from '#functions/rotate/deps.js';
import { rotate } from '#functions/rotate/rotate.js';
import { Stage } from '#shared/aws/secret-store.js';
import { ROTATION_STEPS } from '#shared/inputs/rotation-event.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import type { StoreCall } from '#test/fakes/fake-secret-store.js';
import {
  CURRENT_PASSWORD,
  depsWith,
  NEW_PASSWORD,
  plentyOfTime,
  rotatingStore,
  rotationEvent,
  SECRET_ID,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';

const runRotation = async (deps: RotateDeps): Promise<void> => {
  for (const step of ROTATION_STEPS) await rotate(rotationEvent(step), deps, plentyOfTime);
};

/** Runs the rotation until it succeeds, as Secrets Manager retries it; at most `tries` times. */
const runUntilDone = async (deps: RotateDeps, tries = 3): Promise<number> => {
  for (let attempt = 1; attempt <= tries; attempt += 1) {
    try {
      await runRotation(deps);
      return attempt;
    } catch {
      // Secrets Manager retries the whole rotation with the same token.
    }
  }
  throw new Error('rotation never converged');
};

const expectRotated = (store: ReturnType<typeof rotatingStore>, database: FakeDatabase): void => {
  expect(database.passwordOf('app')).toBe(NEW_PASSWORD);
  expect(JSON.parse(store.valueAt(SECRET_ID, Stage.Current) ?? '{}').password).toBe(NEW_PASSWORD);
  expect(store.versionsOf(SECRET_ID)[TOKEN]?.stages).toEqual([Stage.Current, Stage.Pending]);
  expect(store.versionsOf(SECRET_ID)['v-current']?.stages).toEqual([Stage.Previous]);
  expect(database.openSessions).toBe(0);
};

describe('a full single-user rotation', () => {
  it('makes 10 Secrets Manager calls and 2 logins, none failing', async () => {
    // Prepare
    const store = rotatingStore();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    // Act
    await runRotation(depsWith(store, database));
    // Assess
    const ops = (call: StoreCall) =>
      [call.op, call.stage ?? '', call.versionId ?? ''].join(' ').trim();
    expect(store.calls.map(ops)).toEqual([
      'describe',
      'read AWSCURRENT',
      `putValue  ${TOKEN}`,
      'describe',
      'read AWSCURRENT',
      `read AWSPENDING ${TOKEN}`,
      'describe',
      `read AWSPENDING ${TOKEN}`,
      'describe',
      `promote  ${TOKEN}`,
    ]);
    expect(store.calls.length).toBeLessThanOrEqual(10);
    expect(database.logins.map((l) => [l.password, l.accepted])).toEqual([
      [CURRENT_PASSWORD, true],
      [NEW_PASSWORD, true],
    ]);
    expectRotated(store, database);
  });

  it('leaves the same end state when run twice (every step re-runnable)', async () => {
    // Prepare
    const store = rotatingStore();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    await runRotation(depsWith(store, database));
    const state = store.versionsOf(SECRET_ID);
    // Act
    await runRotation(depsWith(store, database, 'Yet-Another-Password-000000000000'));
    // Assess
    expect(store.versionsOf(SECRET_ID)).toEqual(state);
    expectRotated(store, database);
  });

  it.each([
    ['describe', 1],
    ['describe', 2],
    ['describe', 3],
    ['describe', 4],
    ['read', 1],
    ['read', 2],
    ['read', 3],
    ['read', 4],
    ['putValue', 1],
    ['promote', 1],
  ] as const)('converges when Secrets Manager call %s #%i fails once', async (op, nth) => {
    // Prepare
    const store = rotatingStore();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    const deps = depsWith(store, database);
    let seen = 0;
    const original = store[op].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(store, {
      [op]: (...args: unknown[]) => {
        seen += 1;
        if (seen === nth) return Promise.reject(new Error('InternalServiceError'));
        return original(...args);
      },
    });
    // Act
    const attempts = await runUntilDone(deps);
    // Assess
    expect(attempts).toBe(2);
    expectRotated(store, database);
  });

  it('converges when setting the password fails once', async () => {
    // Prepare
    const store = rotatingStore();
    const database = new FakeDatabase({ app: CURRENT_PASSWORD });
    database.failSetPassword = new Error('connection reset');
    // Act
    const attempts = await runUntilDone(depsWith(store, database));
    // Assess
    expect(attempts).toBe(2);
    expectRotated(store, database);
  });
});
