/**
 * The CredentialChecker over the engines: one login with a database secret's credentials on the
 * endpoint, database and TLS mode the secret names (exactly as the rotation logs in), a probe,
 * and, when asked, whether the session may write. Outcomes only, never an error text: a driver
 * message could quote what it was given.
 */
import type { ConnectOptions, Engine } from '#shared/engines/engine.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';
import type { CredentialCheck, CredentialChecker } from './ports.js';

/**
 * Checks credentials with the engine `engineFor` picks; `connect` sets the timeout and the CA
 * bundle that verifies the server when TLS is on.
 *
 * @example
 * const credentials = engineCredentialChecker(engineFor, { connectTimeoutMs: 5000, caBundle });
 */
export const engineCredentialChecker = (
  engineFor: (engineField: string) => Engine,
  connect: ConnectOptions,
): CredentialChecker => ({
  check: async (secret: DatabaseSecret, options): Promise<CredentialCheck> => {
    let session: Awaited<ReturnType<Engine['login']>>;
    try {
      session = await engineFor(secret.engine).login(
        { host: secret.host, port: secret.port, database: secret.dbname, tls: secret.tls },
        { username: secret.username, password: secret.password },
        connect,
      );
    } catch {
      // DatabaseUnreachableError: network, TLS or timeout; says nothing about the credentials.
      return { login: 'unreachable' };
    }
    if (session === undefined) return { login: 'refused' };
    try {
      await session.probe();
      if (!options.write) return { login: 'ok' };
      try {
        return {
          login: 'ok',
          write: (await session.canWrite()) === 'writable' ? 'ok' : 'read-only',
        };
      } catch {
        return { login: 'ok', write: 'failed' };
      }
    } catch {
      return { login: 'unreachable' };
    } finally {
      await session.close();
    }
  },
});
