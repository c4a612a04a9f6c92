/** Small set-up helpers for the demo: polling, random demo passwords, reading and rotating. */
import { randomBytes } from 'node:crypto';
import {
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { LocalStack } from '#local-cloud/stack.js';
import type { RotationOutcome } from '#local-cloud/types.js';

/** Polls `check` every 20 ms until it holds; resolves false once `timeoutMs` has passed. */
export const waitFor = async (
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
};

/** A random password for a demo user's first credentials. */
export const randomPassword = (): string => randomBytes(18).toString('base64url');

/** The username and password a stage of a database secret holds. */
export const readCredentials = async (
  sm: SecretsManagerClient,
  secretId: string,
  stage: string,
): Promise<{ username: string; password: string }> => {
  const read = await sm.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
  );
  const value = JSON.parse(read.SecretString ?? '{}') as { username: string; password: string };
  return { username: value.username, password: value.password };
};

/**
 * RotateSecret with the project's `rotate` function (monthly schedule), then waits for the
 * rotation to end; resolves its outcome, throws naming the failed step.
 */
export const rotateNow = async (
  stack: LocalStack,
  sm: SecretsManagerClient,
  secretId: string,
): Promise<RotationOutcome> => {
  const rotation = await sm.send(
    new RotateSecretCommand({
      SecretId: secretId,
      RotationLambdaARN: stack.functionArn('rotate'),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    }),
  );
  const outcomes = await stack.cloud.rotationsSettled();
  const outcome = outcomes.find((candidate) => candidate.token === rotation.VersionId);
  if (!outcome || outcome.failedStep) {
    throw new Error(`rotation of ${secretId} failed at ${outcome?.failedStep}: ${outcome?.error}`);
  }
  return outcome;
};
