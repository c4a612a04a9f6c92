import { describe, expect, it } from 'vitest';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { Stage } from '#shared/aws/secret-store.js';
import { KnownValues } from '#shared/known-values.js';
import { Sensitive } from '#shared/sensitive.js';
import { FakeSecretStore } from '#test/fakes/fake-secret-store.js';

const TOKEN = '0f7d8e2a-3c4b-4d5e-8f6a-7b8c9d0e1f2a';

describe('rememberingStore', () => {
  it('remembers the password and whole value of every version read', async () => {
    // Prepare
    const known = new KnownValues();
    const inner = FakeSecretStore.withCurrent(
      'app',
      '{"username":"app","password":"read-secret-1"}',
    );
    const store = rememberingStore(inner, known);
    // Act
    const version = await store.read('app', Stage.Current);
    // Assess
    expect(version?.value.reveal()).toContain('read-secret-1');
    expect(known.redact('x read-secret-1 y')).toBe('x [redacted] y');
    expect(known.redact('{"username":"app","password":"read-secret-1"}')).toBe('[redacted]');
    expect(known.redact('app')).toBe('app');
  });

  it('remembers the password of every value written, and passes calls through', async () => {
    // Prepare
    const known = new KnownValues();
    const inner = FakeSecretStore.withCurrent('app', '{}');
    inner.startRotation('app', TOKEN);
    const store = rememberingStore(inner, known);
    // Act
    const outcome = await store.putValue(
      'app',
      TOKEN,
      new Sensitive('{"password":"written-secret-2"}'),
      { stages: [Stage.Pending], rotationToken: 'rt' },
    );
    await store.promote('app', TOKEN, 'v-current');
    // Assess
    expect(outcome).toBe('created');
    expect(known.redact('written-secret-2')).toBe('[redacted]');
    expect((await store.describe('app'))?.versions[TOKEN]).toContain(Stage.Current);
    expect(inner.calls.map((c) => c.op)).toEqual(['putValue', 'promote', 'describe']);
  });

  it('remembers a value that is not JSON as a whole', async () => {
    // Prepare
    const known = new KnownValues();
    const store = rememberingStore(FakeSecretStore.withCurrent('app', 'plain-secret-3'), known);
    // Act
    await store.read('app', Stage.Current);
    // Assess
    expect(known.redact('plain-secret-3')).toBe('[redacted]');
  });
});
