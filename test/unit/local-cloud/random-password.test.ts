import { describe, expect, it } from 'vitest';
import {
  DIGITS,
  generatePassword,
  LOWERCASE,
  PUNCTUATION,
  UPPERCASE,
} from '#local-cloud/secrets-manager/random-password.js';

const hasAny = (password: string, set: string): boolean =>
  [...password].some((c) => set.includes(c));

describe('generatePassword', () => {
  it('defaults to 32 characters with every type', () => {
    // Act
    const password = generatePassword();
    // Assess
    expect(password).toHaveLength(32);
    for (const set of [UPPERCASE, LOWERCASE, DIGITS, PUNCTUATION])
      expect(hasAny(password, set)).toBe(true);
    expect(password).not.toContain(' ');
  });

  it('honours each exclusion flag and ExcludeCharacters', () => {
    // Act
    const passwords = Array.from({ length: 50 }, () =>
      generatePassword({
        PasswordLength: 64,
        ExcludeNumbers: true,
        ExcludePunctuation: true,
        ExcludeUppercase: true,
        ExcludeCharacters: 'abc',
      }),
    );
    // Assess
    for (const password of passwords) {
      expect(password).toMatch(/^[d-z]{64}$/);
    }
  });

  it('uses only lowercase letters and space when asked, with a space somewhere across many draws', () => {
    // Act
    const passwords = Array.from({ length: 50 }, () =>
      generatePassword({
        PasswordLength: 40,
        ExcludeNumbers: true,
        ExcludePunctuation: true,
        ExcludeUppercase: true,
        IncludeSpace: true,
      }),
    );
    // Assess
    for (const password of passwords) expect(password).toMatch(/^[a-z ]{40}$/);
    expect(passwords.some((p) => p.includes(' '))).toBe(true);
  });

  it('includes each type even in a password as short as the number of types', () => {
    // Act
    const passwords = Array.from({ length: 100 }, () => generatePassword({ PasswordLength: 4 }));
    // Assess
    for (const password of passwords) {
      for (const set of [UPPERCASE, LOWERCASE, DIGITS, PUNCTUATION])
        expect(hasAny(password, set)).toBe(true);
    }
  });

  it('allows missing types when RequireEachIncludedType is false', () => {
    // Act
    const password = generatePassword({ PasswordLength: 1, RequireEachIncludedType: false });
    // Assess
    expect(password).toHaveLength(1);
  });

  it('rejects a PasswordLength outside the model range 1..4096 with ValidationException', () => {
    // Act
    const attempts = [
      () => generatePassword({ PasswordLength: 0 }),
      () => generatePassword({ PasswordLength: 4097 }),
    ];
    // Assess
    for (const attempt of attempts)
      expect(attempt).toThrow(expect.objectContaining({ code: 'ValidationException' }));
  });

  it('rejects impossible options with InvalidParameterException', () => {
    // Act
    const attempts = [
      () => generatePassword({ PasswordLength: 3 }),
      () =>
        generatePassword({
          ExcludeNumbers: true,
          ExcludePunctuation: true,
          ExcludeUppercase: true,
          ExcludeLowercase: true,
        }),
    ];
    // Assess
    for (const attempt of attempts)
      expect(attempt).toThrow(expect.objectContaining({ code: 'InvalidParameterException' }));
  });

  it('produces 4096 characters at the upper limit', () => {
    // Act
    const password = generatePassword({ PasswordLength: 4096 });
    // Assess
    expect(password).toHaveLength(4096);
  });
});
