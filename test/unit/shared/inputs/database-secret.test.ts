import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET_ENGINES } from '#shared/engines/secret-engines.js';
import { SecretFormatError } from '#shared/errors.js';
import {
  type DatabaseSecret,
  parseDatabaseSecret,
  serializeDatabaseSecret,
} from '#shared/inputs/database-secret.js';
import { Sensitive } from '#shared/sensitive.js';

// Engine names appear in messages (the accepted list); they are vocabulary, not echoed values.
const VOCABULARY: readonly string[] = [
  ...SECRET_ENGINES,
  'masterarn',
  'SecretString',
  'username',
  'password',
];
const PASSWORD = 'pa55-word_value.x';
const base = { engine: 'postgres', host: 'db.internal', username: 'app', password: PASSWORD };

const parse = (fields: unknown): DatabaseSecret =>
  parseDatabaseSecret(new Sensitive(JSON.stringify(fields)), {
    secretId: 'app-db',
    step: 'setSecret',
  });

const failure = (fields: unknown): SecretFormatError => {
  try {
    parse(fields);
  } catch (error) {
    if (error instanceof SecretFormatError) return error;
    throw error;
  }
  throw new Error('expected SecretFormatError');
};

describe('parseDatabaseSecret', () => {
  it('reads the fields with the PostgreSQL defaults', () => {
    // Act
    const secret = parse(base);
    // Assess
    expect(secret).toMatchObject({
      engine: 'postgres',
      host: 'db.internal',
      port: 5432,
      username: 'app',
      dbname: 'postgres',
      tls: 'prefer',
      masterarn: undefined,
    });
    expect(secret.password.reveal()).toBe(PASSWORD);
  });

  it.each([
    ['aurora-postgresql', 5432, 'postgres'],
    ['mysql', 3306, undefined],
    ['aurora-mysql', 3306, undefined],
    ['mariadb', 3306, undefined],
  ])('defaults port and dbname for %s', (engine, port, dbname) => {
    // Act
    const secret = parse({ ...base, engine });
    // Assess
    expect([secret.port, secret.dbname]).toEqual([port, dbname]);
  });

  it.each([
    [6543, 6543],
    ['6543', 6543],
  ])('reads port %j', (port, expected) => {
    // Act + Assess
    expect(parse({ ...base, port }).port).toBe(expected);
  });

  it('treats a null dbname as absent and keeps a given one', () => {
    // Act + Assess
    expect(parse({ ...base, dbname: null }).dbname).toBe('postgres');
    expect(parse({ ...base, dbname: 'appdb' }).dbname).toBe('appdb');
  });

  it.each([
    [true, 'require'],
    [false, 'disable'],
    ['true', 'require'],
    ['TRUE', 'require'],
    ['False', 'disable'],
  ])('maps ssl %j to %s', (ssl, tls) => {
    // Act + Assess
    expect(parse({ ...base, ssl }).tls).toBe(tls);
  });

  it('reads masterarn', () => {
    // Act + Assess
    expect(parse({ ...base, masterarn: 'arn:aws:secretsmanager:x' }).masterarn).toBe(
      'arn:aws:secretsmanager:x',
    );
  });

  it.each([
    ['engine', { ...base, engine: undefined }],
    ['engine', { ...base, engine: 'oracle' }],
    ['host', { ...base, host: undefined }],
    ['host', { ...base, host: '' }],
    ['host', { ...base, host: 5 }],
    ['username', { ...base, username: undefined }],
    ['password', { ...base, password: undefined }],
    ['password', { ...base, password: 12345678 }],
    ['port', { ...base, port: 'fifty' }],
    ['port', { ...base, port: 0 }],
    ['port', { ...base, port: 70000 }],
    ['port', { ...base, port: 54.5 }],
    ['dbname', { ...base, dbname: 3 }],
    ['ssl', { ...base, ssl: 'yes' }],
    ['ssl', { ...base, ssl: 1 }],
    ['ssl', { ...base, ssl: null }],
    ['masterarn', { ...base, masterarn: {} }],
    ['SecretString', [base]],
    ['SecretString', 'just a string'],
  ])('names field %s of a bad secret, with where', (field, fields) => {
    // Act
    const error = failure(fields);
    // Assess
    expect(error.field).toBe(field);
    expect(error.message).toContain('setSecret for secret app-db');
  });

  it('reports invalid JSON without quoting it', () => {
    // Prepare
    const text = `{"password":"${PASSWORD}",`;
    // Act
    const run = () => parseDatabaseSecret(new Sensitive(text));
    // Assess
    expect(run).toThrow(SecretFormatError);
    expect(run).toThrow(/not valid JSON/);
    expect(run).not.toThrow(PASSWORD);
  });

  it('never throws anything but SecretFormatError, nor echoes a value (property)', () => {
    // Prepare
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('postgres', 'mysql', 'mariadb', 'true', '5432'),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
    );
    const secret = fc.record(
      {
        engine: value,
        host: value,
        port: value,
        username: value,
        password: value,
        dbname: value,
        ssl: value,
        masterarn: value,
        __proto__: value,
      },
      { requiredKeys: [] },
    );
    const text = fc.oneof(
      secret.map((s) => JSON.stringify(s)),
      fc.string(),
      fc.json(),
    );
    // Act + Assess
    fc.assert(
      fc.property(text, (candidate) => {
        try {
          parseDatabaseSecret(new Sensitive(candidate));
        } catch (error) {
          expect(error).toBeInstanceOf(SecretFormatError);
          const message = (error as Error).message;
          let values: unknown[] = [candidate];
          try {
            const parsed: unknown = JSON.parse(candidate);
            if (typeof parsed === 'object' && parsed !== null) values = Object.values(parsed);
          } catch {
            // Not JSON: the candidate itself is the value.
          }
          for (const v of values) {
            if (typeof v === 'string' && v.length >= 8 && !VOCABULARY.includes(v)) {
              expect(message).not.toContain(v);
            }
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('serializeDatabaseSecret', () => {
  it('replaces only the password, keeping every other key and its place', () => {
    // Prepare
    const fields = {
      engine: 'postgres',
      host: 'h',
      password: PASSWORD,
      username: 'app',
      custom: { a: [1] },
      ssl: 'TRUE',
    };
    const secret = parse(fields);
    // Act
    const out = serializeDatabaseSecret(secret, { password: new Sensitive('new-one') });
    // Assess
    expect(out.reveal()).toBe(JSON.stringify({ ...fields, password: 'new-one' }));
    expect(String(out)).toBe('[redacted]');
  });

  it('replaces the username when given (alternating users)', () => {
    // Prepare
    const secret = parse(base);
    // Act
    const out = serializeDatabaseSecret(secret, {
      password: new Sensitive('n'),
      username: 'app_clone',
    });
    // Assess
    expect(JSON.parse(out.reveal())).toEqual({ ...base, password: 'n', username: 'app_clone' });
  });

  it('does not print the password when the parsed secret is logged', () => {
    // Prepare
    const secret = parse(base);
    // Act
    const text = JSON.stringify(secret);
    // Assess
    expect(text).not.toContain(PASSWORD);
  });
});
