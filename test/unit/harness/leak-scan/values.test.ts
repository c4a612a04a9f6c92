import { describe, expect, it } from 'vitest';
import {
  fingerprint,
  isScanned,
  learnValues,
  VALUE_FLOOR,
} from '#test/harness/leak-scan/values.js';

describe('learnValues', () => {
  it('learns a JSON secret whole and its credential fields, at any depth', () => {
    // Prepare
    const secret = JSON.stringify({
      engine: 'postgres',
      host: 'db.example.com',
      username: 'app',
      password: 'pw-0123456789',
      extra: { apiKey: 'key-0123456789', list: [{ token: 'tok-0123456789' }] },
    });
    // Act
    const learned = learnValues({ origin: 'secret app', value: secret });
    // Assess
    expect(learned).toEqual([
      { value: secret, origin: 'secret app' },
      { value: 'pw-0123456789', origin: 'secret app, field password' },
      { value: 'key-0123456789', origin: 'secret app, field extra.apiKey' },
      { value: 'tok-0123456789', origin: 'secret app, field extra.list.0.token' },
    ]);
  });

  it('learns a string that is not JSON, or JSON without credentials, whole only', () => {
    expect(learnValues({ origin: 'o', value: 'plain text value' })).toEqual([
      { value: 'plain text value', origin: 'o' },
    ]);
    expect(learnValues({ origin: 'o', value: '{"host":"db.example.com"}' })).toHaveLength(1);
  });
});

describe('the floor', () => {
  it(`scans values of ${VALUE_FLOOR} characters and more, not shorter`, () => {
    expect(isScanned('x'.repeat(VALUE_FLOOR))).toBe(true);
    expect(isScanned('x'.repeat(VALUE_FLOOR - 1))).toBe(false);
  });
});

describe('fingerprint', () => {
  it('depends on the key and the value, and never shows the value', () => {
    // Act
    const one = fingerprint('key-1', 'value-0123456789');
    // Assess
    expect(one).toMatch(/^[0-9a-f]{12}$/);
    expect(fingerprint('key-1', 'value-0123456789')).toBe(one);
    expect(fingerprint('key-2', 'value-0123456789')).not.toBe(one);
    expect(fingerprint('key-1', 'value-0123456780')).not.toBe(one);
  });
});
