/** GetRandomPassword. */
import {
  generatePassword,
  type PasswordOptions,
} from '#local-cloud/secrets-manager/random-password.js';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
} from '#local-cloud/secrets-manager/validate.js';
import type { Operation } from './context.js';

export const getRandomPassword: Operation = (body) => {
  const options: { -readonly [K in keyof PasswordOptions]: PasswordOptions[K] } = {};
  const length = optionalInteger(body, 'PasswordLength', { min: 1, max: 4096 });
  if (length !== undefined) options.PasswordLength = length;
  const exclude = optionalString(body, 'ExcludeCharacters', { max: 4096 });
  if (exclude !== undefined) options.ExcludeCharacters = exclude;
  for (const flag of [
    'ExcludeNumbers',
    'ExcludePunctuation',
    'ExcludeUppercase',
    'ExcludeLowercase',
    'IncludeSpace',
    'RequireEachIncludedType',
  ] as const) {
    const value = optionalBoolean(body, flag);
    if (value !== undefined) options[flag] = value;
  }
  return { response: { RandomPassword: generatePassword(options) }, changed: false };
};
