/**
 * Waits for a rotation Secrets Manager is running to end, by watching the version stages of the
 * secret (DescribeSecret; never a value). The rotation succeeded when its version holds
 * AWSCURRENT; it was abandoned when the version lost AWSPENDING without becoming current (Secrets
 * Manager does so when a new value is written during a rotation); it is unfinished when neither
 * happened before the timeout (the function failed and Secrets Manager is retrying, or it is
 * still running): the API gives no other signal.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html
 */
import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { awsCall } from './aws.js';
import type { CommandContext } from './context.js';
import { formatDuration } from './table.js';

export type RotationEnd = 'succeeded' | 'abandoned' | 'unfinished';

export interface RotationWait {
  readonly outcome: RotationEnd;
  readonly elapsedMs: number;
  /** The secret as last described. */
  readonly described: DescribeSecretCommandOutput;
}

/** Polls DescribeSecret (every 0.25 s at first, then every 2 s) until `versionId` settles. */
export const waitForRotation = async (
  context: CommandContext,
  input: {
    readonly region: string;
    readonly secretArn: string;
    readonly name: string;
    readonly versionId: string;
    readonly timeoutMs: number;
  },
): Promise<RotationWait> => {
  const started = context.io.now().getTime();
  let delay = 250;
  for (;;) {
    const described = await awsCall(`DescribeSecret ${input.name} in ${input.region}`, () =>
      context.aws
        .secretsManager(input.region)
        .send(new DescribeSecretCommand({ SecretId: input.secretArn })),
    );
    const elapsedMs = context.io.now().getTime() - started;
    const stages = described.VersionIdsToStages?.[input.versionId] ?? [];
    if (stages.includes('AWSCURRENT')) return { outcome: 'succeeded', elapsedMs, described };
    if (!stages.includes('AWSPENDING')) return { outcome: 'abandoned', elapsedMs, described };
    if (elapsedMs >= input.timeoutMs) return { outcome: 'unfinished', elapsedMs, described };
    context.progress.update(
      `rotate ${input.name}: waiting for version ${input.versionId.slice(0, 8)}… to become AWSCURRENT (${formatDuration(elapsedMs)})`,
    );
    await context.io.sleep(Math.min(delay, Math.max(0, input.timeoutMs - elapsedMs)));
    delay = Math.min(delay * 2, 2000);
  }
};
