/**
 * TLS cannot be stripped to get a password (issue 9, defect 3). Impostor servers on loopback
 * refuse TLS (PostgreSQL 'N'), or offer it with a certificate nobody trusts, and then ask for
 * the password the weakest way they can. No engine may send it: not in `prefer` mode, whatever
 * the server answers; not in `require` mode, which verifies the server first.
 */
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerDir } from '#local-cloud/databases/running-database.js';
import { createServerTls } from '#local-cloud/databases/tls.js';
import type { Engine, TlsMode } from '#shared/engines/engine.js';
import { mariadbEngine } from '#shared/engines/mysql/engine.js';
import { postgresEngine } from '#shared/engines/postgres/engine.js';
import { DatabaseUnreachableError, UnsafeAuthenticationError } from '#shared/errors.js';
import { Sensitive } from '#shared/sensitive.js';
import {
  type ImpostorServer,
  type ImpostorTls,
  startMysqlImpostor,
  startPostgresImpostor,
} from '#test/helpers/fake-database-servers.js';

const PASSWORD = 'canary-TlsStrip-9d2e7a';

let tlsDir: string;
let impostorTls: ImpostorTls;
const servers: ImpostorServer[] = [];

beforeAll(async () => {
  tlsDir = await makeServerDir('rotasync-impostor-');
  const tls = await createServerTls(tlsDir);
  impostorTls = {
    cert: await readFile(tls.certPath, 'utf8'),
    key: await readFile(tls.keyPath, 'utf8'),
  };
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(tlsDir, { recursive: true, force: true });
});

const track = async (started: Promise<ImpostorServer>): Promise<ImpostorServer> => {
  const server = await started;
  servers.push(server);
  return server;
};

const loginTo = async (engine: Engine, server: ImpostorServer, tls: TlsMode) =>
  engine
    .login(
      { host: '127.0.0.1', port: server.port, database: undefined, tls },
      { username: 'app', password: new Sensitive(PASSWORD) },
      // The system roots: the impostor's certificate is trusted by nobody.
      { connectTimeoutMs: 3_000, caBundle: undefined },
    )
    .then(
      (session) => session,
      (error: unknown) => error,
    );

/** True when the client sent a PostgreSQL password message (cleartext or MD5). */
const sentPasswordMessage = (server: ImpostorServer): boolean =>
  server.received()[0] === 'p'.charCodeAt(0);

describe('PostgreSQL impostor', () => {
  it.each([
    ['answers N and asks for the cleartext password', 'cleartext', false],
    ['answers N and asks for an MD5 hash', 'md5', false],
    [
      'answers S with an untrusted certificate and asks for the cleartext password',
      'cleartext',
      true,
    ],
    ['answers S with an untrusted certificate and asks for an MD5 hash', 'md5', true],
  ] as const)('prefer: refuses a server that %s', async (_name, auth, withTls) => {
    // Prepare
    const server = await track(startPostgresImpostor(auth, withTls ? impostorTls : undefined));

    // Act
    const outcome = await loginTo(postgresEngine, server, 'prefer');

    // Assess
    expect(outcome).toBeInstanceOf(UnsafeAuthenticationError);
    expect(outcome).toBeInstanceOf(DatabaseUnreachableError);
    expect(String(outcome)).toMatch(auth === 'md5' ? /MD5/ : /cleartext/);
    expect(sentPasswordMessage(server)).toBe(false);
    expect(server.heard(PASSWORD)).toBe(false);
  });

  it('disable: refuses to send the cleartext password over a plain connection', async () => {
    // Prepare
    const server = await track(startPostgresImpostor('cleartext'));

    // Act
    const outcome = await loginTo(postgresEngine, server, 'disable');

    // Assess
    expect(outcome).toBeInstanceOf(UnsafeAuthenticationError);
    expect(server.heard(PASSWORD)).toBe(false);
  });

  it('require: refuses the untrusted certificate before any credential is sent', async () => {
    // Prepare
    const server = await track(startPostgresImpostor('cleartext', impostorTls));

    // Act
    const outcome = await loginTo(postgresEngine, server, 'require');

    // Assess
    expect(outcome).toBeInstanceOf(DatabaseUnreachableError);
    expect(server.heard(PASSWORD)).toBe(false);
    expect(server.heard('app')).toBe(false);
  });
});

describe('MySQL impostor', () => {
  it.each([
    ['prefer', 'switch-to-clear-password', false],
    ['disable', 'switch-to-clear-password', false],
    ['prefer', 'sha256-password', true],
    ['prefer', 'switch-to-clear-password', true],
  ] as const)(
    '%s: refuses a server that asks for %s (TLS offered: %s)',
    async (tls, auth, withTls) => {
      // Prepare
      const server = await track(startMysqlImpostor(auth, withTls ? impostorTls : undefined));

      // Act
      const outcome = await loginTo(mariadbEngine, server, tls);

      // Assess
      expect(outcome).toBeInstanceOf(UnsafeAuthenticationError);
      expect(outcome).toBeInstanceOf(DatabaseUnreachableError);
      expect(server.heard(PASSWORD)).toBe(false);
    },
  );

  it('require: refuses the untrusted certificate before any credential is sent', async () => {
    // Prepare
    const server = await track(startMysqlImpostor('sha256-password', impostorTls));

    // Act
    const outcome = await loginTo(mariadbEngine, server, 'require');

    // Assess
    expect(outcome).toBeInstanceOf(DatabaseUnreachableError);
    expect(server.heard(PASSWORD)).toBe(false);
  });
});
