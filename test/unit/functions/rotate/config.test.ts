import { describe, expect, it } from 'vitest';
import { type ConfigFiles, LAMBDA_CA_BUNDLE, readRotateConfig } from '#functions/rotate/config.js';
import { ConfigurationError } from '#shared/errors.js';
import { DEFAULT_PASSWORD_POLICY } from '#shared/passwords.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const filesWith = (contents: Record<string, string>): ConfigFiles => ({
  exists: (path) => path in contents,
  read: (path) => {
    const text = contents[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  },
});

const noFiles = filesWith({});

describe('readRotateConfig', () => {
  it('defaults every setting, without a CA bundle outside Lambda', () => {
    // Act
    const config = readRotateConfig({}, noFiles);
    // Assess
    expect(config).toEqual({
      passwordPolicy: DEFAULT_PASSWORD_POLICY,
      connectTimeoutMs: 5000,
      caBundle: undefined,
      timeoutMarginMs: 2000,
    });
  });

  it("uses the Lambda runtime's CA bundle when it exists", () => {
    // Act
    const config = readRotateConfig({}, filesWith({ [LAMBDA_CA_BUNDLE]: PEM }));
    // Assess
    expect(config.caBundle).toBe(PEM);
  });

  it('reads ROTASYNC_CA_BUNDLE from the named file', () => {
    // Act
    const config = readRotateConfig(
      { ROTASYNC_CA_BUNDLE: '/opt/rds.pem' },
      filesWith({ '/opt/rds.pem': PEM }),
    );
    // Assess
    expect(config.caBundle).toBe(PEM);
  });

  it.each([
    ['a missing file', filesWith({})],
    ['a file without certificates', filesWith({ '/opt/rds.pem': 'hello' })],
  ])('refuses ROTASYNC_CA_BUNDLE naming %s', (_, files) => {
    // Act
    const read = () => readRotateConfig({ ROTASYNC_CA_BUNDLE: '/opt/rds.pem' }, files);
    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(/ROTASYNC_CA_BUNDLE/);
  });

  it('reads the official templates’ password variables', () => {
    // Prepare
    const env = {
      PASSWORD_LENGTH: '24',
      EXCLUDE_CHARACTERS: ':/@"\'\\',
      EXCLUDE_NUMBERS: 'TRUE',
      EXCLUDE_PUNCTUATION: 'y',
      EXCLUDE_UPPERCASE: '1',
      EXCLUDE_LOWERCASE: 'no',
      REQUIRE_EACH_INCLUDED_TYPE: 'False',
    };
    // Act
    const config = readRotateConfig(env, noFiles);
    // Assess
    expect(config.passwordPolicy).toEqual({
      length: 24,
      excludeCharacters: ':/@"\'\\',
      excludeNumbers: true,
      excludePunctuation: true,
      excludeUppercase: true,
      excludeLowercase: false,
      requireEachIncludedType: false,
    });
  });

  it('reads the timeouts', () => {
    // Act
    const config = readRotateConfig(
      { ROTASYNC_CONNECT_TIMEOUT_MS: '1500', ROTASYNC_TIMEOUT_MARGIN_MS: '0' },
      noFiles,
    );
    // Assess
    expect([config.connectTimeoutMs, config.timeoutMarginMs]).toEqual([1500, 0]);
  });

  it.each([
    ['PASSWORD_LENGTH', { PASSWORD_LENGTH: 'long' }],
    ['PASSWORD_LENGTH', { PASSWORD_LENGTH: '0' }],
    ['PASSWORD_LENGTH', { PASSWORD_LENGTH: '5000' }],
    ['PASSWORD_LENGTH', { PASSWORD_LENGTH: '2' }],
    ['EXCLUDE_NUMBERS', { EXCLUDE_NUMBERS: 'maybe' }],
    ['EXCLUDE_LOWERCASE', { EXCLUDE_LOWERCASE: '2' }],
    ['REQUIRE_EACH_INCLUDED_TYPE', { REQUIRE_EACH_INCLUDED_TYPE: 'sure' }],
    ['ROTASYNC_CONNECT_TIMEOUT_MS', { ROTASYNC_CONNECT_TIMEOUT_MS: '-1' }],
    ['ROTASYNC_CONNECT_TIMEOUT_MS', { ROTASYNC_CONNECT_TIMEOUT_MS: '5s' }],
    ['ROTASYNC_TIMEOUT_MARGIN_MS', { ROTASYNC_TIMEOUT_MARGIN_MS: '1.5' }],
    [
      'EXCLUDE_CHARACTERS',
      {
        EXCLUDE_NUMBERS: 'true',
        EXCLUDE_PUNCTUATION: 'true',
        EXCLUDE_UPPERCASE: 'true',
        EXCLUDE_CHARACTERS: 'abcdefghijklmnopqrstuvwxyz',
      },
    ],
  ])('refuses an invalid %s with ConfigurationError naming it', (name, env) => {
    // Act
    const read = () => readRotateConfig(env, noFiles);
    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(name);
  });

  it.each([
    ['12 characters over 65', { PASSWORD_LENGTH: '12' }, 'PASSWORD_LENGTH', '72 bits'],
    [
      '20 lowercase letters',
      {
        PASSWORD_LENGTH: '20',
        EXCLUDE_NUMBERS: 'true',
        EXCLUDE_PUNCTUATION: 'true',
        EXCLUDE_UPPERCASE: 'true',
      },
      'PASSWORD_LENGTH, EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE',
      '94 bits',
    ],
    [
      'a single character',
      {
        EXCLUDE_NUMBERS: 'true',
        EXCLUDE_PUNCTUATION: 'true',
        EXCLUDE_UPPERCASE: 'true',
        EXCLUDE_CHARACTERS: 'bcdefghijklmnopqrstuvwxyz',
      },
      'EXCLUDE_CHARACTERS, EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE',
      '0 bits',
    ],
  ])('refuses an environment policy below 96 bits at cold start (%s)', (_, env, names, bits) => {
    // Act
    const read = () => readRotateConfig(env, noFiles);
    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(`the password policy from ${names} is too weak: ${bits}`);
    expect(read).toThrow('below the minimum of 96 bits');
  });

  it('accepts the shortest environment policy that reaches 96 bits', () => {
    // Act: 16 characters over 65 is 96.4 bits; 15 would be 90.3.
    const config = readRotateConfig({ PASSWORD_LENGTH: '16' }, noFiles);
    // Assess
    expect(config.passwordPolicy.length).toBe(16);
    expect(() => readRotateConfig({ PASSWORD_LENGTH: '15' }, noFiles)).toThrow('at least 16');
  });
});
