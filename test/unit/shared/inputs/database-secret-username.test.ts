import { describe, expect, it } from 'vitest';
import { SecretFormatError } from '#shared/errors.js';
import { parseDatabaseSecret } from '#shared/inputs/database-secret.js';
import { Sensitive } from '#shared/sensitive.js';

const secretWith = (username: string) =>
  new Sensitive(
    JSON.stringify({ engine: 'postgres', host: 'db', username, password: 'Current-Pass_0001' }),
  );

describe('parseDatabaseSecret: the user name is text', () => {
  it.each([
    ['a NUL', 'app\u0000admin'],
    ['an unpaired high surrogate', 'app\ud800'],
    ['an unpaired low surrogate', '\udfffapp'],
  ])('refuses a user name with %s, before any login, without echoing it', (_, username) => {
    // Act
    const parse = () => parseDatabaseSecret(secretWith(username), { secretId: 'arn:app' });
    // Assess
    expect(parse).toThrow(SecretFormatError);
    expect(parse).toThrow('secret field "username"');
    expect(parse).not.toThrow(username);
  });

  it.each([
    ['quotes and backslashes', `a"b'c\\d`],
    ['control characters', 'app\n\t\u001b[31m'],
    ['characters outside the BMP', 'app😀𑜸'],
    ['combining and direction marks', 'ap\u0301p\u202e'],
  ])('keeps a user name with %s as it is (the engines quote it)', (_, username) => {
    // Act
    const secret = parseDatabaseSecret(secretWith(username));
    // Assess
    expect(secret.username).toBe(username);
  });
});
