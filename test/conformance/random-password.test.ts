/**
 * Conformance: GetRandomPassword and each of its options.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
import {
  GetRandomPasswordCommand,
  type GetRandomPasswordCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { useConformance } from './harness.js';

const cf = useConformance();

const LOWER = /[a-z]/;
const UPPER = /[A-Z]/;
const DIGIT = /[0-9]/;
/** The documented punctuation set: ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~ */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
/** Every character the default options may produce. */
const DEFAULT_ALPHABET = /^[a-zA-Z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]*$/;

const generate = async (input: GetRandomPasswordCommandInput = {}): Promise<string> => {
  const out = await cf.sm.send(new GetRandomPasswordCommand(input));
  if (out.RandomPassword === undefined) throw new Error('GetRandomPassword: no RandomPassword');
  return out.RandomPassword;
};

describe('GetRandomPassword', () => {
  it('by default returns 32 characters of letters, digits and punctuation, one of each at least', async () => {
    // Prepare / Act
    const password = await generate();

    // Assess
    expect(password).toHaveLength(32);
    expect(password).toMatch(DEFAULT_ALPHABET);
    for (const kind of [LOWER, UPPER, DIGIT, PUNCTUATION]) expect(password).toMatch(kind);
  });

  it.each([4, 100, 4096])('returns exactly PasswordLength=%i characters', async (length) => {
    // Prepare / Act
    const password = await generate({ PasswordLength: length });

    // Assess
    expect(password).toHaveLength(length);
  });

  it('never uses a character from ExcludeCharacters', async () => {
    // Prepare
    const excluded = 'abcdefghijklmABCDEFGHIJKLM01234!"#$%&\'()*+,-./';

    // Act
    const password = await generate({ PasswordLength: 4096, ExcludeCharacters: excluded });

    // Assess
    expect(password).toHaveLength(4096);
    for (const character of excluded) expect(password).not.toContain(character);
  });

  it.each([
    ['ExcludeNumbers', DIGIT],
    ['ExcludePunctuation', PUNCTUATION],
    ['ExcludeUppercase', UPPER],
    ['ExcludeLowercase', LOWER],
  ] as const)('with %s leaves that kind out and keeps the others', async (option, kind) => {
    // Prepare / Act
    const password = await generate({ PasswordLength: 256, [option]: true });

    // Assess
    expect(password).toHaveLength(256);
    expect(password).not.toMatch(kind);
    for (const other of [LOWER, UPPER, DIGIT, PUNCTUATION].filter((k) => k !== kind)) {
      expect(password).toMatch(other);
    }
  });

  it('includes spaces only with IncludeSpace', async () => {
    // Prepare / Act: over 4,096 characters a space is all but certain when allowed.
    const withSpace = await generate({ PasswordLength: 4096, IncludeSpace: true });
    const withoutSpace = await generate({ PasswordLength: 4096 });

    // Assess
    expect(withSpace).toContain(' ');
    expect(withoutSpace).not.toContain(' ');
  });

  it('with RequireEachIncludedType puts one of each kind even in the shortest password', async () => {
    // Prepare
    const passwords: string[] = [];

    // Act
    for (let i = 0; i < 20; i += 1) {
      passwords.push(await generate({ PasswordLength: 4, RequireEachIncludedType: true }));
    }

    // Assess
    for (const password of passwords) {
      for (const kind of [LOWER, UPPER, DIGIT, PUNCTUATION]) expect(password).toMatch(kind);
    }
  });

  it('without RequireEachIncludedType accepts a length shorter than the number of kinds', async () => {
    // Prepare / Act
    const password = await generate({ PasswordLength: 1, RequireEachIncludedType: false });

    // Assess
    expect(password).toHaveLength(1);
    expect(password).toMatch(DEFAULT_ALPHABET);
  });

  it('combines options: only digits when letters and punctuation are excluded', async () => {
    // Prepare / Act
    const password = await generate({
      PasswordLength: 64,
      ExcludeLowercase: true,
      ExcludeUppercase: true,
      ExcludePunctuation: true,
      ExcludeCharacters: '01',
    });

    // Assess
    expect(password).toMatch(/^[2-9]{64}$/);
  });

  it.each([0, 4097])(
    'fails with ValidationException for PasswordLength=%i, outside 1..4096',
    async (length) => {
      // Prepare / Act / Assess
      await expect(generate({ PasswordLength: length })).rejects.toMatchObject({
        name: 'ValidationException',
      });
    },
  );

  it('fails with InvalidParameterException when every kind of character is excluded', async () => {
    // Prepare / Act / Assess
    await expect(
      generate({
        ExcludeLowercase: true,
        ExcludeUppercase: true,
        ExcludeNumbers: true,
        ExcludePunctuation: true,
      }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('fails with InvalidParameterException when RequireEachIncludedType cannot fit in PasswordLength', async () => {
    // Prepare / Act / Assess
    await expect(
      generate({ PasswordLength: 3, RequireEachIncludedType: true }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
