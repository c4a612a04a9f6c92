/** Builds the StrategyContext a step hands to its strategy. */
import type { Deadline } from '#shared/deadline.js';
import type { ErrorWhere } from '#shared/errors.js';
import type { RotationEvent } from '#shared/inputs/rotation-event.js';
import type { RotateDeps } from './deps.js';
import { readPreviousIfUsable } from './secrets.js';
import { openSessions } from './sessions.js';
import type { StrategyContext } from './strategies/strategy.js';

/** The deps a StrategyContext draws on. */
export type StrategyContextDeps = Pick<RotateDeps, 'store' | 'engineFor' | 'connect' | 'log'>;

/** A StrategyContext for one step of `event`, bound to its deadline. */
export const strategyContext = (
  event: RotationEvent,
  deps: StrategyContextDeps,
  deadline: Deadline,
  where: ErrorWhere,
): StrategyContext => ({
  where,
  sessions: openSessions(deps, deadline, where),
  readPrevious: () => readPreviousIfUsable(deps.store, event.SecretId, where),
  log: deps.log,
});
