import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.js';
import {
  createPasswordGenerator,
  DEFAULT_PASSWORD_POLICY,
  narrowPasswordPolicy,
  type PasswordPolicy,
} from '#shared/passwords.js';

const errorOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a throw');
};

describe('narrowPasswordPolicy', () => {
  it('returns the default policy when the secret has no policy tag', () => {
    // Prepare
    const tags = { team: 'db', 'rotasync:replicate-to': 'eu-west-1' };
    // Act
    const narrowed = narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, tags);
    // Assess
    expect(narrowed).toEqual({ policy: DEFAULT_PASSWORD_POLICY, tags: [] });
  });

  it('shortens the length, adds excluded characters and classes', () => {
    // Prepare
    const base: PasswordPolicy = { ...DEFAULT_PASSWORD_POLICY, excludeCharacters: '.' };
    const tags = {
      'rotasync:password-length': '20',
      'rotasync:password-exclude-characters': '-_',
      'rotasync:password-exclude-uppercase': 'TRUE',
      'rotasync:password-exclude-numbers': 'false',
    };
    // Act
    const { policy, tags: used } = narrowPasswordPolicy(base, tags);
    // Assess
    expect(policy).toEqual({
      ...base,
      length: 20,
      excludeCharacters: '.-_',
      excludeUppercase: true,
    });
    expect(used).toEqual(Object.keys(tags));
    const password = createPasswordGenerator(policy)().reveal();
    expect(password).toMatch(/^[a-z0-9]{20}$/);
  });

  it('matches tag keys case-insensitively', () => {
    // Prepare
    const tags = { 'Rotasync:Password-Exclude-Punctuation': 'true' };
    // Act
    const { policy } = narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, tags);
    // Assess
    expect(policy.excludePunctuation).toBe(true);
  });

  it('never widens: false keeps an excluded class excluded', () => {
    // Prepare
    const base: PasswordPolicy = { ...DEFAULT_PASSWORD_POLICY, excludePunctuation: true };
    // Act
    const { policy } = narrowPasswordPolicy(base, {
      'rotasync:password-exclude-punctuation': 'false',
    });
    // Assess
    expect(policy.excludePunctuation).toBe(true);
  });

  it.each([
    ['rotasync:password-length', '40', 'from 12 to 32'],
    ['rotasync:password-length', '11', 'from 12 to 32'],
    ['rotasync:password-length', 'twenty', 'from 12 to 32'],
    ['rotasync:password-length', '', 'from 12 to 32'],
    ['rotasync:password-exclude-numbers', 'yes please', 'true or false'],
    ['rotasync:password-lenght', '20', 'not a password policy tag'],
  ])('refuses tag %s = %j, naming the tag', (key, value, problem) => {
    // Prepare
    const where = { secretId: 'arn:app', step: 'createSecret' };
    // Act
    const error = errorOf(() =>
      narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, { [key]: value }, where),
    );
    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(key);
    expect(error.message).toContain(problem);
    expect(error.message).toContain('arn:app');
  });

  it('allows a length down to the default when the default is under 12', () => {
    // Prepare
    const base: PasswordPolicy = { ...DEFAULT_PASSWORD_POLICY, length: 10 };
    // Act
    const { policy } = narrowPasswordPolicy(base, { 'rotasync:password-length': '10' });
    // Assess
    expect(policy.length).toBe(10);
    expect(() => narrowPasswordPolicy(base, { 'rotasync:password-length': '9' })).toThrow(
      'from 10 to 10',
    );
  });

  it('refuses tags that leave no character to draw from, naming them', () => {
    // Prepare
    const tags = {
      'rotasync:password-exclude-numbers': 'true',
      'rotasync:password-exclude-punctuation': 'true',
      'rotasync:password-exclude-uppercase': 'true',
      'rotasync:password-exclude-lowercase': 'true',
    };
    // Act
    const error = errorOf(() => narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, tags));
    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('rotasync:password-exclude-lowercase');
    expect(error.message).toContain('no password fits');
  });
});
