/**
 * Single user: the secret's one user gets a new password. setSecret logs in as the current
 * credentials (one login on the happy path) and falls back to pending (an earlier attempt
 * already set it) and then previous (the database still has the old password), as the official
 * single-user templates do; unlike them, whichever credential logs in sets the password again,
 * so a retry completes the MySQL host accounts a crash left on the old one.
 */
import type { DbSession } from '#shared/engines/engine.js';
import { LoginRejectedError } from '#shared/errors.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';
import type { Strategy, StrategyContext } from './strategy.js';

const sameUserAndServer = (a: DatabaseSecret, b: DatabaseSecret): boolean =>
  a.engine === b.engine &&
  a.host === b.host &&
  a.port === b.port &&
  a.dbname === b.dbname &&
  a.username === b.username;

const closing = async <T>(session: DbSession, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } finally {
    await session.close();
  }
};

const setWith = async (
  session: DbSession,
  pending: DatabaseSecret,
  via: string,
  context: StrategyContext,
): Promise<void> => {
  await closing(session, () => session.setPassword(pending.username, pending.password));
  context.log.info('password set', { username: pending.username, loggedInWith: via });
};

/** Rotates one user's password in place. */
export const singleUser: Strategy = {
  name: 'single-user',

  pendingUsername: (current) => current.username,

  setPending: async (current, pending, context) => {
    // Every login goes to the pending version's server, which setSecret checked equals current's.
    const withCurrent = await context.sessions.login(pending, current);
    if (withCurrent) return setWith(withCurrent, pending, 'AWSCURRENT', context);

    // An earlier attempt set the pending password, maybe on some host accounts only (MySQL
    // sets them one by one, the session's own last): set it again, on every one of them.
    const withPending = await context.sessions.login(pending);
    if (withPending) return setWith(withPending, pending, 'AWSPENDING', context);

    // Only now is AWSPREVIOUS worth a read; one naming another user or server is not tried.
    const previous = await context.readPrevious();
    if (previous && sameUserAndServer(previous, pending)) {
      const withPrevious = await context.sessions.login(pending, previous);
      if (withPrevious) return setWith(withPrevious, pending, 'AWSPREVIOUS', context);
    }
    throw new LoginRejectedError(
      `the database rejected user ${pending.username} with the current, pending and previous passwords`,
      context.where,
    );
  },

  testPending: async (pending, context) => {
    const session = await context.sessions.login(pending);
    if (!session) {
      throw new LoginRejectedError(
        `the database rejected user ${pending.username} with the pending password`,
        context.where,
      );
    }
    await closing(session, () => session.probe());
    context.log.info('pending credentials work', { username: pending.username });
  },
};
