/**
 * The disaster-recovery functions' environment, read once at cold start; a bad setting fails
 * the function's init (ConfigurationError naming the variable).
 */
import type { RotationRules } from '#shared/aws/secret-store.js';
import type { Env } from '#shared/env.js';
import { ConfigurationError } from '#shared/errors.js';
import { REGION_PATTERN } from '#shared/replication/config.js';
import { parseScheduleExpression } from '#shared/rotation-schedule.js';

/** AWS_REGION: the Region the function acts in. */
export const readRegion = (env: Env): string => {
  const region = env.AWS_REGION ?? '';
  if (!REGION_PATTERN.test(region)) throw new ConfigurationError('AWS_REGION must name a Region');
  return region;
};

/**
 * ROTASYNC_FAILOVER_ROTATION_SCHEDULE (default `rate(30 days)`), checked by Secrets Manager's own
 * schedule rules at cold start: a schedule RotateSecret would refuse must fail the init, not the
 * failover that needs it.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
export const readDefaultRotationRules = (env: Env): RotationRules => {
  const expression = env.ROTASYNC_FAILOVER_ROTATION_SCHEDULE?.trim() || 'rate(30 days)';
  const schedule = parseScheduleExpression(expression);
  if (!schedule.ok) {
    throw new ConfigurationError(
      `ROTASYNC_FAILOVER_ROTATION_SCHEDULE "${expression}" is not a rotation schedule: ${schedule.problem}`,
    );
  }
  return { scheduleExpression: expression };
};
