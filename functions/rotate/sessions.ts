/**
 * Opens database sessions for a step within its time budget: every login gets the smaller of the
 * configured connect timeout and the time left, every statement ends within the time left, and
 * the step gives up with StepTimeoutError however many candidates it tries.
 */
import { type Deadline, ensureTimeLeft, withinDeadline } from '#shared/deadline.js';
import type { DbCredentials, DbSession } from '#shared/engines/engine.js';
import type { ErrorWhere } from '#shared/errors.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';
import type { RotateDeps } from './deps.js';

/** Logs in to the database a secret names. */
export interface SessionOpener {
  /**
   * One login attempt to `target`'s endpoint as `as` (default: `target`'s own credentials).
   * Resolves `undefined` when the server rejects them; throws DatabaseUnreachableError when it
   * cannot be reached, StepTimeoutError when the step's budget is spent.
   */
  login(target: DatabaseSecret, as?: DbCredentials): Promise<DbSession | undefined>;
}

/** A SessionOpener bound to a step's deadline. */
export const openSessions = (
  deps: Pick<RotateDeps, 'engineFor' | 'connect'>,
  deadline: Deadline,
  where: ErrorWhere,
): SessionOpener => ({
  login: (target, as = target) => {
    const engine = deps.engineFor(target.engine);
    const doing = `logging in as ${as.username}`;
    const budget = ensureTimeLeft(deadline, doing, where);
    const attempt = engine.login(
      { host: target.host, port: target.port, database: target.dbname, tls: target.tls },
      { username: as.username, password: as.password },
      {
        connectTimeoutMs: Math.max(1, Math.min(deps.connect.connectTimeoutMs, budget)),
        caBundle: deps.connect.caBundle,
        // Statements, too, end within the step's budget (a lock or a frozen server).
        timeLeftMs: () => deadline.remainingMs(),
      },
    );
    const closeLate = (session: DbSession | undefined): void => {
      session?.close().catch(() => undefined);
    };
    return withinDeadline(attempt, deadline, doing, where, closeLate);
  },
});
