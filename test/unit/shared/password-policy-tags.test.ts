import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.js';
import {
  createPasswordGenerator,
  DEFAULT_PASSWORD_POLICY,
  narrowPasswordPolicy,
  type PasswordPolicy,
  passwordStrengthBits,
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
    ['rotasync:password-length', '40', 'up to the default length 32'],
    ['rotasync:password-length', '0', 'up to the default length 32'],
    ['rotasync:password-length', 'twenty', 'up to the default length 32'],
    ['rotasync:password-length', '', 'up to the default length 32'],
    ['rotasync:password-length', '11', 'below the minimum of 96 bits'],
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

  it('accepts the shortest length that keeps 96 bits over the alphabet left', () => {
    // Act: 16 characters over 65 is 96.4 bits; without punctuation (62) 17 are needed.
    const { policy } = narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, {
      'rotasync:password-length': '16',
    });
    const { policy: noPunctuation } = narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, {
      'rotasync:password-length': '17',
      'rotasync:password-exclude-punctuation': 'true',
    });
    // Assess
    expect(policy.length).toBe(16);
    expect(passwordStrengthBits(noPunctuation)).toBeGreaterThanOrEqual(96);
  });

  it('refuses tags that force a constant password (length 12 over one character)', () => {
    // Prepare: every class but lowercase excluded, and every lowercase letter but `a`.
    const tags = {
      'rotasync:password-length': '12',
      'rotasync:password-exclude-numbers': 'true',
      'rotasync:password-exclude-punctuation': 'true',
      'rotasync:password-exclude-uppercase': 'true',
      'rotasync:password-exclude-characters': 'bcdefghijklmnopqrstuvwxyz',
    };
    const where = { secretId: 'arn:app', step: 'createSecret' };
    // Act
    const error = errorOf(() => narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, tags, where));
    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    for (const key of Object.keys(tags)) expect(error.message).toContain(key);
    expect(error.message).toContain('0 bits (12 characters over an alphabet of 1)');
    expect(error.message).toContain('arn:app');
  });

  it.each([
    [
      '16 characters without punctuation',
      { 'rotasync:password-length': '16', 'rotasync:password-exclude-punctuation': 'true' },
      '95 bits',
    ],
    [
      '20 digits',
      {
        'rotasync:password-length': '20',
        'rotasync:password-exclude-punctuation': 'true',
        'rotasync:password-exclude-uppercase': 'true',
        'rotasync:password-exclude-lowercase': 'true',
      },
      '66 bits',
    ],
    [
      'an alphabet of 2',
      {
        'rotasync:password-exclude-characters':
          'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.',
      },
      '32 bits',
    ],
  ])('refuses tags below 96 bits (%s), naming them', (_, tags, bits) => {
    // Act
    const error = errorOf(() => narrowPasswordPolicy(DEFAULT_PASSWORD_POLICY, tags));
    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(`too weak: ${bits}`);
    for (const key of Object.keys(tags)) expect(error.message).toContain(key);
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
