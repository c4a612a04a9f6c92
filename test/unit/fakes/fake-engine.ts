/**
 * A recording fake database and Engine: which passwords the server accepts, whether it can be
 * reached, and a log of every login attempt and statement (statements hold no values).
 */
import type {
  DbCredentials,
  DbEndpoint,
  DbSession,
  Engine,
  EngineName,
} from '../../../shared/engines/engine.js';
import { DatabaseUnreachableError } from '../../../shared/errors.js';
import type { Sensitive } from '../../../shared/sensitive.js';

export interface LoginAttempt {
  readonly username: string;
  readonly password: string;
  readonly accepted: boolean;
  readonly endpoint: DbEndpoint;
  readonly connectTimeoutMs: number;
}

export class FakeDatabase {
  public readonly logins: LoginAttempt[] = [];
  public readonly statements: string[] = [];
  public unreachable = false;
  /** Logins never settle (a silent server). */
  public hang = false;
  /** Called at every login attempt, e.g. to advance a fake clock. */
  public onLogin: () => void = () => undefined;
  public openSessions = 0;
  /** setPassword throws this once, when set (e.g. a driver error quoting a value). */
  public failSetPassword: Error | undefined;
  readonly #users = new Map<string, string>();

  public constructor(users: Record<string, string> = {}) {
    for (const [name, password] of Object.entries(users)) this.#users.set(name, password);
  }

  public passwordOf(username: string): string | undefined {
    return this.#users.get(username);
  }

  public setUser(username: string, password: string): void {
    this.#users.set(username, password);
  }

  public failedLogins(): LoginAttempt[] {
    return this.logins.filter((attempt) => !attempt.accepted);
  }

  public login(
    endpoint: DbEndpoint,
    credentials: DbCredentials,
    connectTimeoutMs: number,
  ): Promise<DbSession | undefined> {
    this.onLogin();
    const password = credentials.password.reveal();
    const accepted = !this.unreachable && this.#users.get(credentials.username) === password;
    this.logins.push({
      username: credentials.username,
      password,
      accepted,
      endpoint,
      connectTimeoutMs,
    });
    if (this.hang) return new Promise(() => undefined);
    if (this.unreachable) {
      return Promise.reject(new DatabaseUnreachableError('connection refused', {}));
    }
    if (!accepted) return Promise.resolve(undefined);
    this.openSessions += 1;
    return Promise.resolve(this.#session(credentials.username));
  }

  #session(username: string): DbSession {
    return {
      username,
      probe: async () => {
        this.statements.push(`probe as ${username}`);
      },
      setPassword: async (user: string, password: Sensitive<string>) => {
        if (this.failSetPassword) {
          const error = this.failSetPassword;
          this.failSetPassword = undefined;
          throw error;
        }
        this.statements.push(`set password of ${user} as ${username}`);
        this.#users.set(user, password.reveal());
      },
      ensureClone: async () => {
        throw new Error('not used by single-user rotation');
      },
      describePrivilegeDifferences: async () => [],
      close: async () => {
        this.openSessions -= 1;
        this.statements.push(`close ${username}`);
      },
    };
  }
}

/** An Engine over a FakeDatabase. */
export const fakeEngine = (database: FakeDatabase, name: EngineName = 'postgres'): Engine => ({
  name,
  defaultPort: name === 'postgres' ? 5432 : 3306,
  defaultDatabase: name === 'postgres' ? 'postgres' : undefined,
  maxUsernameLength: name === 'postgres' ? 63 : 32,
  login: (endpoint, credentials, options) =>
    database.login(endpoint, credentials, options.connectTimeoutMs),
});
