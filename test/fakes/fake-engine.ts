/**
 * A recording fake database and Engine: which passwords the server accepts, whether it can be
 * reached, users' privileges and superusers (for alternating users' clones), and a log of every
 * login attempt, statement and change (none holds a value).
 */
import type {
  DbCredentials,
  DbSession,
  DbTarget,
  Engine,
  EngineName,
} from '#shared/engines/engine.js';
import { DatabaseUnreachableError } from '#shared/errors.js';
import type { Sensitive } from '#shared/sensitive.js';

export interface LoginAttempt {
  readonly username: string;
  readonly password: string;
  readonly accepted: boolean;
  readonly endpoint: DbTarget;
  readonly connectTimeoutMs: number;
}

/** One change a session made to a user, for "who was altered" assertions. */
export interface UserChange {
  readonly op: 'setPassword' | 'createUser' | 'copyPrivileges';
  readonly user: string;
  readonly by: string;
}

export class FakeDatabase {
  public readonly changes: UserChange[] = [];
  /** ensureClone creates the user (committed, as MySQL's CREATE USER is) and then fails, once. */
  public crashAfterCreateUser = false;
  /** ensureClone throws this once, when set, before changing anything. */
  public failEnsureClone: Error | undefined;
  public readonly logins: LoginAttempt[] = [];
  public readonly statements: string[] = [];
  public unreachable = false;
  /** Logins never settle (a silent server). */
  public hang = false;
  /** The server refuses writes (a replica): canWrite answers read-only. */
  public readOnly = false;
  /** Called at every login attempt, e.g. to advance a fake clock. */
  public onLogin: () => void = () => undefined;
  public openSessions = 0;
  /** setPassword throws this once, when set (e.g. a driver error quoting a value). */
  public failSetPassword: Error | undefined;
  readonly #users = new Map<string, string>();
  readonly #privileges = new Map<string, Set<string>>();
  readonly #superusers = new Set<string>();

  public constructor(users: Record<string, string> = {}) {
    for (const [name, password] of Object.entries(users)) this.#users.set(name, password);
  }

  /** Adds a user who may change other users (and create clones). */
  public addSuperuser(username: string, password: string): void {
    this.#users.set(username, password);
    this.#superusers.add(username);
  }

  public hasUser(username: string): boolean {
    return this.#users.has(username);
  }

  public grant(username: string, ...privileges: string[]): void {
    const held = this.#privileges.get(username) ?? new Set<string>();
    for (const privilege of privileges) held.add(privilege);
    this.#privileges.set(username, held);
  }

  public revoke(username: string, privilege: string): void {
    this.#privileges.get(username)?.delete(privilege);
  }

  public privilegesOf(username: string): string[] {
    return [...(this.#privileges.get(username) ?? [])].sort();
  }

  /** The users any session changed (password, creation, privileges). */
  public alteredUsers(): string[] {
    return [...new Set(this.changes.map((change) => change.user))].sort();
  }

  #mayChange(actor: string, user: string): void {
    if (actor !== user && !this.#superusers.has(actor)) {
      throw new Error(`permission denied for ${actor} to change ${user}`);
    }
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
    endpoint: DbTarget,
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
      canWrite: async () => {
        this.statements.push(`write check as ${username}`);
        return this.readOnly ? 'read-only' : 'writable';
      },
      setPassword: async (user: string, password: Sensitive<string>) => {
        if (this.failSetPassword) {
          const error = this.failSetPassword;
          this.failSetPassword = undefined;
          throw error;
        }
        this.#mayChange(username, user);
        this.statements.push(`set password of ${user} as ${username}`);
        this.changes.push({ op: 'setPassword', user, by: username });
        this.#users.set(user, password.reveal());
      },
      ensureClone: async (original: string, clone: string, password: Sensitive<string>) => {
        if (this.failEnsureClone) {
          const error = this.failEnsureClone;
          this.failEnsureClone = undefined;
          throw error;
        }
        this.#mayChange(username, clone);
        this.statements.push(`ensure clone ${clone} of ${original} as ${username}`);
        if (!this.#users.has(clone)) {
          this.#users.set(clone, password.reveal());
          this.changes.push({ op: 'createUser', user: clone, by: username });
          if (this.crashAfterCreateUser) {
            this.crashAfterCreateUser = false;
            throw new Error('connection lost');
          }
        }
        this.#users.set(clone, password.reveal());
        this.changes.push({ op: 'setPassword', user: clone, by: username });
        this.#privileges.set(clone, new Set(this.#privileges.get(original)));
        this.changes.push({ op: 'copyPrivileges', user: clone, by: username });
      },
      describePrivilegeDifferences: async (original: string, clone: string) => {
        this.statements.push(`compare privileges of ${clone} with ${original} as ${username}`);
        const mine = new Set(this.#privileges.get(original));
        const theirs = new Set(this.#privileges.get(clone));
        return [
          ...[...mine].filter((p) => !theirs.has(p)).map((p) => `${clone} lacks ${p}`),
          ...[...theirs].filter((p) => !mine.has(p)).map((p) => `${clone} also has ${p}`),
        ];
      },
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
  maxUsernameLength: name === 'postgres' ? 63 : 32,
  login: (endpoint, credentials, options) =>
    database.login(endpoint, credentials, options.connectTimeoutMs),
});
