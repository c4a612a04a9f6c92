import { describe, expect, it } from 'vitest';
import { rotate } from '#functions/rotate/rotate.js';
import { ConfigurationError } from '#shared/errors.js';
import { createPasswordGenerator, type PasswordPolicy } from '#shared/passwords.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import {
  CURRENT_PASSWORD,
  depsWith,
  plentyOfTime,
  rotatingStore,
  rotationEvent,
  SECRET_ID,
} from '#test/fakes/rotation-fixtures.js';

describe('createSecret with password policy tags', () => {
  it('generates by the policy the tags narrow, and logs it without the password', async () => {
    // Prepare
    const store = rotatingStore();
    store.setTags(SECRET_ID, {
      'rotasync:password-length': '17',
      'rotasync:password-exclude-punctuation': 'true',
    });
    const policies: PasswordPolicy[] = [];
    const deps = {
      ...depsWith(store, new FakeDatabase({ app: CURRENT_PASSWORD })),
      generatePassword: (policy: PasswordPolicy) => {
        policies.push(policy);
        return createPasswordGenerator(policy)();
      },
    };
    // Act
    await rotate(rotationEvent('createSecret'), deps, plentyOfTime);
    // Assess
    expect(policies.map((p) => [p.length, p.excludePunctuation])).toEqual([[17, true]]);
    const staged = JSON.parse(
      store.versionsOf(SECRET_ID)[store.calls.at(-1)?.versionId ?? '']?.value ?? '{}',
    );
    expect(staged.password).toMatch(/^[A-Za-z0-9]{17}$/);
    const line = deps.log.lines.find((l) => l.message === 'password policy');
    expect(line?.attributes[0]).toMatchObject({
      passwordPolicy: { length: 17, excludePunctuation: true },
      narrowedBy: ['rotasync:password-length', 'rotasync:password-exclude-punctuation'],
    });
    expect(JSON.stringify(deps.log.lines)).not.toContain(staged.password);
  });

  it('refuses an invalid tag before reading or writing the secret', async () => {
    // Prepare
    const store = rotatingStore();
    store.setTags(SECRET_ID, { 'rotasync:password-length': '64' });
    const deps = depsWith(store, new FakeDatabase({ app: CURRENT_PASSWORD }));
    // Act
    const outcome = rotate(rotationEvent('createSecret'), deps, plentyOfTime);
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConfigurationError);
    await expect(outcome).rejects.toThrow('rotasync:password-length');
    expect(store.calls.map((call) => call.op)).toEqual(['describe']);
  });

  it('refuses tags that force a constant password before reading or writing anything', async () => {
    // Prepare: length 12 over the one character `a`.
    const store = rotatingStore();
    store.setTags(SECRET_ID, {
      'rotasync:password-length': '12',
      'rotasync:password-exclude-numbers': 'true',
      'rotasync:password-exclude-punctuation': 'true',
      'rotasync:password-exclude-uppercase': 'true',
      'rotasync:password-exclude-characters': 'bcdefghijklmnopqrstuvwxyz',
    });
    const before = store.versionsOf(SECRET_ID);
    const deps = depsWith(store, new FakeDatabase({ app: CURRENT_PASSWORD }));
    // Act
    const outcome = rotate(rotationEvent('createSecret'), deps, plentyOfTime);
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConfigurationError);
    await expect(outcome).rejects.toThrow('below the minimum of 96 bits');
    await expect(outcome).rejects.toThrow('rotasync:password-exclude-characters');
    expect(store.calls.map((call) => call.op)).toEqual(['describe']);
    expect(store.versionsOf(SECRET_ID)).toEqual(before);
  });
});
