/**
 * Alternating users: two users, `<base>` and `<base>_clone`, take turns. Each rotation sets a new
 * password on the user that is *not* current, through the superuser secret named by `masterarn`,
 * so sessions opened with the current credentials keep working; the current user is never
 * altered. Differences from the official multi-user templates
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets_strategies.html):
 * - setSecret always runs `ensureClone` (no early return when the pending user already logs in):
 *   a crash after MySQL's CREATE USER, which commits at once, is finished by the retry;
 * - testSecret also compares the clone's privileges with the original's, through the superuser,
 *   so a clone without privileges is never promoted;
 * - the user names are checked against the engine's limit in createSecret, before any write.
 * - back to the original, setSecret first verifies through the superuser that the current user
 *   is the original's clone (PostgreSQL: a member acting as it at login; MySQL/MariaDB: equal
 *   privileges) and refuses with NotACloneError otherwise, before anything changes.
 * The confused-deputy guards are kept: the current credentials must log in before the superuser
 * acts for them, and the superuser must be for the very database the secret names (its own host,
 * or one of the names RDS gives an RDS-managed master's database), so writing `username`, `host`
 * and `masterarn` into a secret cannot buy a clone of someone else's user.
 */

import type { SuperuserSecret, SuperuserSecrets } from '#functions/rotate/superuser-secret.js';
import type { DbSession, Engine } from '#shared/engines/engine.js';
import {
  ClonePrivilegesError,
  type ErrorWhere,
  LoginRejectedError,
  NotACloneError,
  SecretFormatError,
  SuperuserSecretError,
} from '#shared/errors.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';
import type { Strategy, StrategyContext } from './strategy.js';

/** The suffix of the second user, as the official templates name it. */
export const CLONE_SUFFIX = '_clone';

/** The original user's name: `username` without a trailing `_clone`. */
export const baseUsername = (username: string): string =>
  username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : username;

/**
 * The other user of the pair: `app` → `app_clone`, `app_clone` → `app`.
 *
 * @example
 * alternateUsername('app') // 'app_clone'
 */
export const alternateUsername = (username: string): string =>
  username.endsWith(CLONE_SUFFIX) ? baseUsername(username) : `${username}${CLONE_SUFFIX}`;

/** What the alternating-users strategy needs beyond the step's context. */
export interface AlternatingUsersPorts {
  readonly superusers: SuperuserSecrets;
  readonly engineFor: (engineField: string) => Engine;
}

// PostgreSQL's limit counts bytes and MySQL's characters: bytes are never the lenient count.
const nameLength = (name: string): number => Buffer.byteLength(name, 'utf8');

const closing = async <T>(session: DbSession, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } finally {
    await session.close();
  }
};

const requireMasterarn = (secret: DatabaseSecret, where: ErrorWhere): string => {
  if (secret.masterarn === undefined) {
    throw new SecretFormatError(
      'masterarn',
      'is missing: alternating users need the ARN of a superuser secret',
      where,
    );
  }
  return secret.masterarn;
};

/**
 * The alternating-users strategy over its ports. Pick it for secrets that carry `masterarn`
 * (see strategies/by-secret.ts).
 *
 * @example
 * const strategy = alternatingUsers({ superusers: superuserSecrets(store, rds), engineFor });
 */
export const alternatingUsers = (ports: AlternatingUsersPorts): Strategy => {
  /** Logs in as the superuser where the users live; refuses a superuser for another server. */
  const superuserSession = async (
    secret: DatabaseSecret,
    superuser: SuperuserSecret,
    context: StrategyContext,
  ): Promise<DbSession> => {
    const { where } = context;
    const base = baseUsername(secret.username);
    const engine = ports.engineFor(secret.engine);
    if (ports.engineFor(superuser.engine).name !== engine.name) {
      throw new SuperuserSecretError(
        superuser.secretId,
        `is for engine ${superuser.engine}, not ${secret.engine}`,
        where,
      );
    }
    // The superuser acts only on the database the rotated secret names (checked to log in with
    // its current credentials): otherwise a secret could name its own server as `host`, someone
    // else's user as `username`, and buy a clone of that user on the superuser's database. An
    // RDS-managed master's database is known by every name RDS gives it (writer, reader, custom).
    const host = secret.host.toLowerCase();
    const sameDatabase =
      superuser.hostnames.some((name) => name.toLowerCase() === host) &&
      superuser.port === secret.port;
    if (!sameDatabase) {
      throw new SuperuserSecretError(
        superuser.secretId,
        `is for ${superuser.host}:${superuser.port}${superuser.endpointFrom === 'rds' ? ' (from RDS)' : ''}, not this secret's database ${secret.host}:${secret.port}`,
        where,
      );
    }
    if ([base, `${base}${CLONE_SUFFIX}`].includes(superuser.credentials.username)) {
      throw new SuperuserSecretError(
        superuser.secretId,
        `is for user ${superuser.credentials.username}, one of the two alternating users itself`,
        where,
      );
    }
    const target: DatabaseSecret = {
      ...secret,
      host: superuser.host,
      port: superuser.port,
      // Never the rotated secret's `ssl`: the superuser's password goes over verified TLS only.
      tls: 'require',
    };
    const session = await context.sessions.login(target, superuser.credentials);
    if (!session) {
      throw new LoginRejectedError(
        `the database rejected the superuser ${superuser.credentials.username} of ${superuser.secretId} (masterarn)`,
        where,
      );
    }
    context.log.info('logged in as the superuser', {
      masterarn: superuser.secretId,
      endpointFrom: superuser.endpointFrom,
    });
    return session;
  };

  return {
    name: 'alternating-users',

    pendingUsername: (current, where) => {
      const base = baseUsername(current.username);
      if (base.length === 0) {
        throw new SecretFormatError('username', `is only the ${CLONE_SUFFIX} suffix`, where);
      }
      const engine = ports.engineFor(current.engine);
      const longest = nameLength(`${base}${CLONE_SUFFIX}`);
      if (longest > engine.maxUsernameLength) {
        throw new SecretFormatError(
          'username',
          `is too long for alternating users: with the ${CLONE_SUFFIX} suffix it takes ${longest} bytes, over the ${engine.name} limit of ${engine.maxUsernameLength}`,
          where,
        );
      }
      return alternateUsername(current.username);
    },

    setPending: async (current, pending, context) => {
      const { where } = context;
      // setSecret has checked that pending names the same masterarn (checkPendingTarget).
      const masterarn = requireMasterarn(current, where);
      // The confused-deputy guard: the superuser acts only for whoever holds a working login.
      const asCurrent = await context.sessions.login(current);
      if (!asCurrent) {
        throw new LoginRejectedError(
          `the database rejected the current credentials (user ${current.username}); alternating users never change the current user, so AWSCURRENT must log in before the superuser acts for it`,
          where,
        );
      }
      await asCurrent.close();

      const superuser = await ports.superusers.read(masterarn, where);
      const session = await superuserSession(current, superuser, context);
      const base = baseUsername(current.username);
      const clone = `${base}${CLONE_SUFFIX}`;
      await closing(session, async () => {
        if (pending.username === clone) {
          // Always, even when the clone already logs in: a crash after CREATE USER left it
          // without privileges, and only this call finishes the copy.
          await session.ensureClone(base, clone, pending.password);
          context.log.info('clone ready with the pending password', { username: clone });
          return;
        }
        // Back to the original: only its password changes; the clone is current and untouched.
        // First, through the superuser, the current user must prove to be the original's clone:
        // anyone able to create a user named `<victim>_clone` could otherwise put it in a secret
        // with `masterarn` and receive the victim's new password.
        const problems = await session.describeCloneProblems(base, clone);
        if (problems.length > 0) throw new NotACloneError(clone, base, problems, where);
        await session.setPassword(base, pending.password);
        context.log.info('password set', { username: base });
      });
    },

    testPending: async (pending, context) => {
      const { where } = context;
      const asPending = await context.sessions.login(pending);
      if (!asPending) {
        throw new LoginRejectedError(
          `the database rejected user ${pending.username} with the pending password`,
          where,
        );
      }
      await closing(asPending, () => asPending.probe());
      const base = baseUsername(pending.username);
      if (pending.username !== base) {
        const superuser = await ports.superusers.read(requireMasterarn(pending, where), where);
        const session = await superuserSession(pending, superuser, context);
        const differences = await closing(session, () =>
          session.describePrivilegeDifferences(base, pending.username),
        );
        if (differences.length > 0) {
          throw new ClonePrivilegesError(pending.username, base, differences, where);
        }
      }
      context.log.info('pending credentials work', { username: pending.username });
    },
  };
};
