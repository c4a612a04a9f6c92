/**
 * The database secret JSON shared by RDS and the official rotation templates
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html):
 * `engine`, `host`, `port`, `username`, `password`, `dbname`, `ssl`, `masterarn`, plus any key of
 * the owner's, kept verbatim so a pending version carries every key of the current one.
 */
import type { TlsMode } from '#shared/engines/engine.js';
import {
  ENGINE_DEFAULTS,
  engineNameOf,
  isSecretEngine,
  SECRET_ENGINES,
  type SecretEngine,
} from '#shared/engines/secret-engines.js';
import { type ErrorWhere, SecretFormatError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';

/** A parsed database secret. `fields` is the whole JSON object, for re-serialising. */
export interface DatabaseSecret {
  readonly engine: SecretEngine;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: Sensitive<string>;
  readonly dbname: string | undefined;
  readonly tls: TlsMode;
  readonly masterarn: string | undefined;
  readonly fields: Sensitive<Readonly<Record<string, unknown>>>;
}

type Fields = Readonly<Record<string, unknown>>;

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

const requiredText = (fields: Fields, field: string, where: ErrorWhere): string => {
  const value = fields[field];
  if (value === undefined || value === null)
    throw new SecretFormatError(field, 'is missing', where);
  if (typeof value !== 'string' || value.length === 0) {
    throw new SecretFormatError(field, 'is not a non-empty string', where);
  }
  return value;
};

const optionalText = (fields: Fields, field: string, where: ErrorWhere): string | undefined => {
  const value = fields[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new SecretFormatError(field, 'is not a non-empty string', where);
  }
  return value;
};

/**
 * The user name, as any server can hold it: no NUL (PostgreSQL refuses it, the MySQL handshake
 * cuts the name there) and no unpaired surrogate (it reaches the server as U+FFFD, another name).
 * Quotes, backslashes and other characters stay: the engines quote them.
 */
const readUsername = (fields: Fields, where: ErrorWhere): string => {
  const value = requiredText(fields, 'username', where);
  if (/[\p{Cs}\0]/u.test(value)) {
    throw new SecretFormatError('username', 'holds a NUL or an unpaired surrogate', where);
  }
  return value;
};

const readEngine = (fields: Fields, where: ErrorWhere): SecretEngine => {
  const value = requiredText(fields, 'engine', where);
  if (!isSecretEngine(value)) {
    throw new SecretFormatError('engine', `is not one of ${SECRET_ENGINES.join(', ')}`, where);
  }
  return value;
};

const readPort = (fields: Fields, fallback: number, where: ErrorWhere): number => {
  const value = fields.port;
  if (value === undefined || value === null) return fallback;
  // The templates accept `int(port)`: a number or a string of digits.
  const port = typeof value === 'string' && /^[0-9]{1,5}$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SecretFormatError('port', 'is not a port number (1..65535)', where);
  }
  return port;
};

const readTls = (fields: Fields, where: ErrorWhere): TlsMode => {
  const value = fields.ssl;
  if (value === undefined) return 'prefer';
  const flag = typeof value === 'string' ? value.toLowerCase() : value;
  if (flag === true || flag === 'true') return 'require';
  if (flag === false || flag === 'false') return 'disable';
  throw new SecretFormatError('ssl', 'is not true or false', where);
};

const parseJson = (text: string, where: ErrorWhere): Fields => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No `cause`: V8's JSON error quotes the text it failed on, which may be the password.
    throw new SecretFormatError('SecretString', 'is not valid JSON', where);
  }
  if (!isRecord(parsed)) throw new SecretFormatError('SecretString', 'is not a JSON object', where);
  return parsed;
};

/**
 * Parses a secret's JSON. Throws SecretFormatError naming the first missing or wrong field,
 * never its value.
 *
 * @example
 * const secret = parseDatabaseSecret(version.value, { secretId, step: 'setSecret' });
 */
export const parseDatabaseSecret = (
  text: Sensitive<string>,
  where: ErrorWhere = {},
): DatabaseSecret => {
  const fields = parseJson(text.reveal(), where);
  const engine = readEngine(fields, where);
  const defaults = ENGINE_DEFAULTS[engineNameOf(engine)];
  return {
    engine,
    host: requiredText(fields, 'host', where),
    port: readPort(fields, defaults.port, where),
    username: readUsername(fields, where),
    password: new Sensitive(requiredText(fields, 'password', where)),
    dbname: optionalText(fields, 'dbname', where) ?? defaults.database,
    tls: readTls(fields, where),
    masterarn: optionalText(fields, 'masterarn', where),
    fields: new Sensitive(fields),
  };
};

/** What a new version changes: the password always, the username for alternating users. */
export interface SecretChanges {
  readonly password: Sensitive<string>;
  readonly username?: string;
}

/**
 * Writes `secret`'s original JSON back with only `password` (and `username`, when given)
 * replaced; every other key keeps its value and place.
 *
 * @example
 * const pending = serializeDatabaseSecret(current, { password: generatePassword() });
 */
export const serializeDatabaseSecret = (
  secret: DatabaseSecret,
  changes: SecretChanges,
): Sensitive<string> => {
  const fields: Record<string, unknown> = { ...secret.fields.reveal() };
  fields.password = changes.password.reveal();
  if (changes.username !== undefined) fields.username = changes.username;
  return new Sensitive(JSON.stringify(fields));
};
