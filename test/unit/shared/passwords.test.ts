import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.js';
import {
  createPasswordGenerator,
  DEFAULT_PASSWORD_POLICY,
  type PasswordPolicy,
  SAFE_PUNCTUATION,
} from '#shared/passwords.js';

const policy = (changes: Partial<PasswordPolicy> = {}): PasswordPolicy => ({
  ...DEFAULT_PASSWORD_POLICY,
  ...changes,
});

const sample = (p: PasswordPolicy, count = 200): string[] => {
  const generate = createPasswordGenerator(p);
  return Array.from({ length: count }, () => generate().reveal());
};

describe('createPasswordGenerator', () => {
  it('makes 32-character passwords of letters, digits and the safe punctuation by default', () => {
    // Act
    const passwords = sample(DEFAULT_PASSWORD_POLICY);
    // Assess
    for (const password of passwords) {
      expect(password).toHaveLength(32);
      expect(password).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[._-]/);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('keeps the default punctuation free of characters any target would need to quote', () => {
    // Assess: URL userinfo, shells, .pgpass, MySQL option files, libpq conninfo.
    expect(SAFE_PUNCTUATION).not.toMatch(/[:/@?#[\]%'"`\\$&|;<>()*{}~!^=,+ ]/);
  });

  it('returns the password as Sensitive', () => {
    // Act
    const password = createPasswordGenerator(DEFAULT_PASSWORD_POLICY)();
    // Assess
    expect(JSON.stringify({ password })).toBe('{"password":"[redacted]"}');
  });

  it.each([
    ['excludeNumbers', /[0-9]/],
    ['excludePunctuation', /[._-]/],
    ['excludeUppercase', /[A-Z]/],
    ['excludeLowercase', /[a-z]/],
  ] as const)('honours %s', (option, forbidden) => {
    // Act
    const passwords = sample(policy({ [option]: true }));
    // Assess
    for (const password of passwords) expect(password).not.toMatch(forbidden);
  });

  it('never uses an excluded character', () => {
    // Act
    const passwords = sample(policy({ excludeCharacters: 'abcXYZ019-' }));
    // Assess
    for (const password of passwords) expect(password).not.toMatch(/[abcXYZ019-]/);
  });

  it('puts one of each type even in the shortest password that can hold them', () => {
    // Act
    const passwords = sample(policy({ length: 4 }), 50);
    // Assess
    for (const password of passwords) {
      expect(password).toMatch(/^(?=.*[0-9])(?=.*[A-Z])(?=.*[a-z])(?=.*[._-]).{4}$/);
    }
  });

  it('allows missing types when REQUIRE_EACH_INCLUDED_TYPE is off', () => {
    // Prepare: digits only would be impossible with the requirement on a 1-character password.
    const p = policy({ length: 1, requireEachIncludedType: false });
    // Act
    const passwords = sample(p);
    // Assess
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9._-]$/);
  });

  it('honours the length, up to 4096', () => {
    // Act
    const password = createPasswordGenerator(policy({ length: 4096 }))().reveal();
    // Assess
    expect(password).toHaveLength(4096);
  });

  it('draws uniformly: bytes past the last whole multiple of the alphabet are rejected', () => {
    // Prepare: digits only (10 characters): bytes 250..255 would bias 0..5 and must be skipped.
    const bytes = [255, 250, 3, 251, 9];
    let next = 0;
    const random = (size: number): Uint8Array =>
      Uint8Array.from({ length: size }, () => bytes[next++ % bytes.length] ?? 0);
    const digitsOnly = policy({
      length: 2,
      excludePunctuation: true,
      excludeUppercase: true,
      excludeLowercase: true,
    });
    // Act
    const password = createPasswordGenerator(digitsOnly, random)().reveal();
    // Assess
    expect(password).toBe('39');
  });

  it.each([
    ['length 0', policy({ length: 0 }), /PASSWORD_LENGTH/],
    ['length 4097', policy({ length: 4097 }), /PASSWORD_LENGTH/],
    ['length 2.5', policy({ length: 2.5 }), /PASSWORD_LENGTH/],
    [
      'no characters left',
      policy({
        excludeNumbers: true,
        excludePunctuation: true,
        excludeUppercase: true,
        excludeCharacters: 'abcdefghijklmnopqrstuvwxyz',
      }),
      /no character/,
    ],
    ['length below the required types', policy({ length: 3 }), /REQUIRE_EACH_INCLUDED_TYPE/],
  ])('refuses an invalid policy (%s) with ConfigurationError', (_, p, message) => {
    // Act
    const build = () => createPasswordGenerator(p);
    // Assess
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(message);
  });

  it('counts only the types left after exclusions as required', () => {
    // Prepare: every punctuation character excluded, so three types remain.
    const p = policy({ length: 3, excludeCharacters: SAFE_PUNCTUATION });
    // Act
    const passwords = sample(p, 50);
    // Assess
    for (const password of passwords)
      expect(password).toMatch(/^(?=.*[0-9])(?=.*[A-Z])(?=.*[a-z]).{3}$/);
  });
});
