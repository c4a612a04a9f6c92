/**
 * How `status` judges a secret, as pure functions of its metadata and the time.
 *
 * Last outcome, from the version stages (no value is read): AWSPENDING on a version that is not
 * AWSCURRENT means the last rotation did not finish. It is "in-progress" while that version is
 * younger than the grace (default 15 minutes: four steps of a rotate function with a 60 s
 * timeout, and Secrets Manager's own retries), "failed" after. Otherwise a LastRotatedDate means
 * the last rotation "succeeded" (Secrets Manager moves it only when one does), and none means
 * "never-rotated".
 *
 * Overdue: rotation on, not running, and NextRotationDate's rotation window over (the window is
 * the rules' Duration, else one hour for schedules in hours and the rest of the UTC day for
 * schedules in days, as Secrets Manager documents).
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
import {
  everyDays,
  parseScheduleExpression,
  rotationWindowMs,
  type Schedule,
} from '#shared/rotation-schedule.js';
import type { SecretEntry } from './inventory.js';

export type LastOutcome = 'succeeded' | 'failed' | 'in-progress' | 'never-rotated';

/** What `status --check` fails on. */
export type RotationProblem = 'rotation-off' | 'rotation-overdue' | 'rotation-failed';

export interface RotationAssessment {
  readonly enabled: boolean;
  readonly schedule: string | null;
  readonly window: string | null;
  readonly lastOutcome: LastOutcome;
  readonly overdue: boolean;
  readonly problems: readonly RotationProblem[];
}

/** The schedule of the rules, or `undefined` when there are none (or they cannot be read). */
const scheduleOf = (secret: SecretEntry): Schedule | undefined => {
  if (secret.scheduleExpression !== undefined) {
    const parsed = parseScheduleExpression(secret.scheduleExpression);
    return parsed.ok ? parsed.value : undefined;
  }
  return secret.automaticallyAfterDays === undefined
    ? undefined
    : everyDays(secret.automaticallyAfterDays);
};

/** The schedule as people write it: the expression, or `rate(N days)` for AutomaticallyAfterDays. */
const scheduleText = (secret: SecretEntry): string | null =>
  secret.scheduleExpression ??
  (secret.automaticallyAfterDays === undefined
    ? null
    : `rate(${secret.automaticallyAfterDays} days)`);

/**
 * Judges a secret's rotation. `pendingSince` is the CreatedDate of its unfinished version
 * (AWSPENDING, not AWSCURRENT), when it has one; `isSource` is false for replicas, which never
 * rotate and so have no rotation problems.
 */
export const assessRotation = (
  secret: SecretEntry,
  input: {
    readonly isSource: boolean;
    readonly unfinished: boolean;
    readonly pendingSince: Date | undefined;
    readonly now: Date;
    readonly graceMs: number;
  },
): RotationAssessment => {
  const now = input.now.getTime();
  let lastOutcome: LastOutcome;
  if (input.unfinished) {
    const since = input.pendingSince?.getTime();
    lastOutcome = since !== undefined && now - since < input.graceMs ? 'in-progress' : 'failed';
  } else {
    lastOutcome = secret.lastRotatedDate === undefined ? 'never-rotated' : 'succeeded';
  }
  const schedule = scheduleOf(secret);
  const next = secret.nextRotationDate?.getTime();
  const overdue =
    secret.rotationEnabled &&
    lastOutcome !== 'in-progress' &&
    next !== undefined &&
    now >
      next +
        (schedule === undefined ? 86_400_000 : rotationWindowMs(schedule, secret.duration, next));
  const problems: RotationProblem[] = [];
  if (input.isSource) {
    if (!secret.rotationEnabled) problems.push('rotation-off');
    if (overdue) problems.push('rotation-overdue');
    if (lastOutcome === 'failed') problems.push('rotation-failed');
  }
  return {
    enabled: secret.rotationEnabled,
    schedule: scheduleText(secret),
    window: secret.duration ?? null,
    lastOutcome,
    overdue,
    problems,
  };
};

/** How a replica stands against its source. */
export type SyncStatus =
  | 'in-sync'
  | 'behind'
  | 'missing'
  | 'deleted'
  | 'conflict'
  | 'failed-over'
  | 'unreadable';

/**
 * A replica Region's copy of `source`, judged from tags alone: ours when its
 * `rotasync:source-arn` names the source, in sync when its `rotasync:source-version` is the
 * source's AWSCURRENT version.
 */
export const replicaSyncStatus = (
  source: SecretEntry,
  sourceCurrentVersion: string | undefined,
  replica: SecretEntry | undefined,
): SyncStatus => {
  if (replica === undefined) return 'missing';
  if (replica.deletedDate !== undefined) return 'deleted';
  if (replica.tags['rotasync:failed-over-from'] === source.arn) return 'failed-over';
  if (replica.tags['rotasync:source-arn'] !== source.arn) return 'conflict';
  return sourceCurrentVersion !== undefined &&
    replica.tags['rotasync:source-version'] === sourceCurrentVersion
    ? 'in-sync'
    : 'behind';
};
