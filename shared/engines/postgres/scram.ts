/**
 * SCRAM-SHA-256 verifiers, so a new PostgreSQL password is sent as the verifier the server
 * stores and no server log can ever hold the plaintext.
 * https://www.postgresql.org/docs/current/sasl-authentication.html
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);

const SCRAM_ITERATIONS = 4096;
const SCRAM_SALT_BYTES = 16;

/**
 * SASLprep as node-postgres and libpq apply it before hashing: non-ASCII spaces to a space,
 * "mapped to nothing" characters removed, NFKC. Printable ASCII passes unchanged.
 */
const saslPrep = (password: string): string =>
  password
    .replace(/[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g, ' ')
    .replace(
      /\u00AD|\u034F|\u1806|[\u180B-\u180D]|\u200C|\u200D|\u2060|[\uFE00-\uFE0F]|\uFEFF/g,
      '',
    )
    .normalize('NFKC');

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677):
 * `SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`, base64, with a fresh random salt.
 * Sent instead of the password, it keeps the plaintext out of every server log.
 *
 * @example
 * const verifier = await scramSha256Verifier(password.reveal());
 */
export const scramSha256Verifier = async (
  password: string,
  salt: Buffer = randomBytes(SCRAM_SALT_BYTES),
): Promise<string> => {
  const salted = await derive(saslPrep(password), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
};
