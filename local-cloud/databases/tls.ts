/**
 * Private certificate authorities and server certificates for the local database servers, made
 * with the `openssl` CLI (OpenSSL 3: `req -x509 -CA` signs in one call). Keys are P-256, which
 * generate in milliseconds, so every server start can have its own CA.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A CA: its certificate (PEM, and on disk) and its private key on disk. */
export interface CertificateAuthority {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
}

/** A server certificate (SAN IP:127.0.0.1 and DNS:localhost) with the CA that signed it. */
export interface ServerTls {
  readonly certPath: string;
  readonly keyPath: string;
  readonly ca: CertificateAuthority;
}

const VALID_DAYS = '30';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];

const openssl = async (args: readonly string[]): Promise<void> => {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new Error(`openssl ${args[0] ?? ''} failed: ${String(stderr ?? error)}`, {
      cause: error,
    });
  }
};

/**
 * Creates a self-signed CA named `name` in `dir` (files `<name>.crt`, `<name>.key`).
 * Call it twice for an unrelated CA, e.g. for "server signed by an untrusted CA" tests.
 */
export const createCertificateAuthority = async (
  dir: string,
  name = 'ca',
): Promise<CertificateAuthority> => {
  await mkdir(dir, { recursive: true });
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await openssl([
    'req',
    '-x509',
    '-new',
    ...EC_KEY,
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    VALID_DAYS,
    // A unique subject, so two test CAs never look alike to a verifier.
    '-subj',
    `/O=Rotasync local cloud/CN=Rotasync test CA ${name} ${process.pid}-${Date.now()}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await chmod(keyPath, 0o600);
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8') };
};

/** Issues a server certificate for 127.0.0.1 and localhost, signed by `ca`, into `dir`. */
export const issueServerCertificate = async (
  ca: CertificateAuthority,
  dir: string,
  name = 'server',
): Promise<ServerTls> => {
  await mkdir(dir, { recursive: true });
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await openssl([
    'req',
    '-x509',
    '-new',
    ...EC_KEY,
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    VALID_DAYS,
    '-subj',
    '/O=Rotasync local cloud/CN=localhost',
    '-CA',
    ca.certPath,
    '-CAkey',
    ca.keyPath,
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  await chmod(keyPath, 0o600);
  return { certPath, keyPath, ca };
};

/** A new private CA plus a server certificate it signed, both in `dir`. */
export const createServerTls = async (dir: string): Promise<ServerTls> =>
  issueServerCertificate(await createCertificateAuthority(dir), dir);
