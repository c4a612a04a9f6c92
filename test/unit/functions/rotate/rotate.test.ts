import { describe, expect, it } from 'vitest';
import { rotate } from '#functions/rotate/rotate.js';
import { Stage } from '#shared/aws/secret-store.js';
import {
  RotationNotEnabledError,
  StepTimeoutError,
  VersionNotPendingError,
} from '#shared/errors.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import {
  appSecret,
  CURRENT_PASSWORD,
  depsWith,
  plentyOfTime,
  rotatingStore,
  rotationEvent,
  SECRET_ID,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';

describe('rotate (the gate)', () => {
  it('refuses a secret whose rotation is disabled, after one DescribeSecret', async () => {
    // Prepare
    const store = rotatingStore();
    store.setRotationEnabled(SECRET_ID, false);
    const deps = depsWith(store, new FakeDatabase({ app: CURRENT_PASSWORD }));
    // Act
    const run = rotate(rotationEvent('createSecret'), deps, plentyOfTime);
    // Assess
    await expect(run).rejects.toBeInstanceOf(RotationNotEnabledError);
    expect(store.calls.map((call) => call.op)).toEqual(['describe']);
  });

  it('refuses a token that is not a version of the secret, naming secret and token', async () => {
    // Prepare
    const store = rotatingStore();
    const deps = depsWith(store, new FakeDatabase());
    const other = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    // Act
    const run = rotate(rotationEvent('setSecret', other), deps, plentyOfTime);
    // Assess
    await expect(run).rejects.toThrow(VersionNotPendingError);
    await expect(run).rejects.toThrow(other);
    await expect(run).rejects.toThrow(SECRET_ID);
  });

  it('refuses a token that is a version but not staged AWSPENDING', async () => {
    // Prepare
    const store = rotatingStore();
    const old = '11111111-2222-3333-4444-555555555555';
    store.addVersion(SECRET_ID, old, appSecret(), [Stage.Previous]);
    const deps = depsWith(store, new FakeDatabase());
    // Act
    const run = rotate(rotationEvent('testSecret', old), deps, plentyOfTime);
    // Assess
    await expect(run).rejects.toThrow(/is not staged AWSPENDING/);
    expect(store.count('read')).toBe(0);
  });

  it.each(['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const)(
    'returns at once for %s when the token is already AWSCURRENT',
    async (step) => {
      // Prepare
      const store = rotatingStore();
      const database = new FakeDatabase({ app: CURRENT_PASSWORD });
      store.addVersion(SECRET_ID, TOKEN, appSecret(), [Stage.Current]);
      const before = store.versionsOf(SECRET_ID);
      // Act
      const outcome = await rotate(rotationEvent(step), depsWith(store, database), plentyOfTime);
      // Assess
      expect(outcome).toBe('already-current');
      expect(store.calls.map((call) => call.op)).toEqual(['describe']);
      expect(store.versionsOf(SECRET_ID)).toEqual(before);
      expect(database.logins).toEqual([]);
    },
  );

  it('gives up with StepTimeoutError when the budget is spent before the step starts', async () => {
    // Prepare
    const store = rotatingStore();
    const deps = depsWith(store, new FakeDatabase());
    // Act
    const run = rotate(rotationEvent('createSecret'), deps, { remainingMs: () => 0 });
    // Assess
    await expect(run).rejects.toBeInstanceOf(StepTimeoutError);
    expect(store.count('putValue')).toBe(0);
  });
});

describe('rotate (the outcome, which the step metrics read)', () => {
  it('says promoted when finishSecret moved AWSCURRENT, done for the other steps', async () => {
    // Prepare
    const store = rotatingStore();
    const deps = depsWith(store, new FakeDatabase({ app: CURRENT_PASSWORD }));
    // Act
    const outcomes = [];
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      outcomes.push(await rotate(rotationEvent(step), deps, plentyOfTime));
    }
    // Assess
    expect(outcomes).toEqual(['done', 'done', 'done', 'promoted']);
  });
});
