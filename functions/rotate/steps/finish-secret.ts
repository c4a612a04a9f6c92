/**
 * finishSecret: moves AWSCURRENT to the token's version; Secrets Manager moves AWSPREVIOUS to the
 * version it left. Uses the gate's DescribeSecret rather than a second one.
 */

import type { RotateDeps, Step } from '#functions/rotate/deps.js';

/** The slice of RotateDeps finishSecret uses. */
export type FinishSecretDeps = Pick<RotateDeps, 'store' | 'log'>;

/** Promotes the pending version to AWSCURRENT; nothing when it already is. */
export const finishSecret: Step<FinishSecretDeps> = async ({ event, metadata }, deps) => {
  const token = event.ClientRequestToken;
  const current = metadata.currentVersionId;
  if (current === token) return;
  await deps.store.promote(event.SecretId, token, current);
  deps.log.info('pending version promoted to AWSCURRENT', { demotedVersion: current });
};
