/**
 * How a rotation treats users: single user (one user, its password changes) or alternating
 * users (two users take turns). The steps call only this interface, so adding a strategy adds
 * no branch to them.
 */

import type { StepLog } from '#functions/rotate/deps.js';
import type { SessionOpener } from '#functions/rotate/sessions.js';
import type { ErrorWhere } from '#shared/errors.js';
import type { DatabaseSecret } from '#shared/inputs/database-secret.js';

/** What a strategy may use while setting or testing the pending credentials. */
export interface StrategyContext {
  readonly where: ErrorWhere;
  readonly sessions: SessionOpener;
  /** AWSPREVIOUS, read only when called (one GetSecretValue); `undefined` if none or malformed. */
  readonly readPrevious: () => Promise<DatabaseSecret | undefined>;
  readonly log: StepLog;
}

/** A rotation strategy. */
export interface Strategy {
  /** For log lines (the `strategy` key). */
  readonly name: 'single-user' | 'alternating-users';
  /**
   * createSecret: the user the pending version names. setSecret also checks the pending version
   * against it. Throws (e.g. a name too long for the engine) before anything is written.
   */
  pendingUsername(current: DatabaseSecret, where: ErrorWhere): string;
  /** setSecret: makes the pending credentials valid on the server; idempotent. */
  setPending(
    current: DatabaseSecret,
    pending: DatabaseSecret,
    context: StrategyContext,
  ): Promise<void>;
  /** testSecret: proves the pending credentials work; throws when they don't. */
  testPending(pending: DatabaseSecret, context: StrategyContext): Promise<void>;
}
