/** Reads a secret version and parses it as a database secret, for the steps. */
import { type SecretStore, type SecretValue, Stage } from '#shared/aws/secret-store.js';
import { type ErrorWhere, SecretFormatError, VersionNotPendingError } from '#shared/errors.js';
import { type DatabaseSecret, parseDatabaseSecret } from '#shared/inputs/database-secret.js';

/** The AWSCURRENT version, parsed. Throws SecretFormatError when it is missing or malformed. */
export const readCurrent = async (
  store: Pick<SecretStore, 'read'>,
  secretId: string,
  where: ErrorWhere,
): Promise<DatabaseSecret> => {
  const version = await store.read(secretId, Stage.Current);
  if (version === undefined) {
    throw new SecretFormatError(
      'SecretString',
      'is missing: no version is staged AWSCURRENT',
      where,
    );
  }
  return parseDatabaseSecret(version.value, where);
};

/**
 * The token's AWSPENDING version, parsed. Throws VersionNotPendingError when it holds no value
 * yet (createSecret has not run), SecretFormatError when it is malformed.
 */
export const readPending = async (
  store: Pick<SecretStore, 'read'>,
  secretId: string,
  token: string,
  where: ErrorWhere,
): Promise<DatabaseSecret> =>
  parsePending(await store.read(secretId, Stage.Pending, token), token, where);

/** A read AWSPENDING version, parsed; VersionNotPendingError when it held no value. */
export const parsePending = (
  version: SecretValue | undefined,
  token: string,
  where: ErrorWhere,
): DatabaseSecret => {
  if (version === undefined) {
    throw new VersionNotPendingError(
      token,
      'has no value yet: createSecret has not stored one',
      where,
    );
  }
  return parseDatabaseSecret(version.value, where);
};

/**
 * The AWSPREVIOUS version, parsed; `undefined` when there is none or it is malformed: a broken
 * previous version must not mask the real failure (the templates' PR #59).
 */
export const readPreviousIfUsable = async (
  store: Pick<SecretStore, 'read'>,
  secretId: string,
  where: ErrorWhere,
): Promise<DatabaseSecret | undefined> => {
  const version = await store.read(secretId, Stage.Previous);
  if (version === undefined) return undefined;
  try {
    return parseDatabaseSecret(version.value, where);
  } catch (error) {
    if (error instanceof SecretFormatError) return undefined;
    throw error;
  }
};
