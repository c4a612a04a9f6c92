/**
 * An integration harness: the local cloud with the project's real `rotate` function (from
 * serverless.yml, in its own execution environment), a Secrets Manager client for the test, and
 * helpers to create database secrets, rotate them through RotateSecret, and try their logins.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { logsIn } from '#local-cloud/databases/clients.js';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '#local-cloud/stack.js';
import type { RotationOutcome } from '#local-cloud/types.js';

export interface RotationHarness {
  readonly stack: LocalStack;
  readonly sm: SecretsManagerClient;
  /** Every line the functions printed so far. */
  readonly functionOutput: string[];
  readonly rotateArn: string;
  /** Creates a secret with `value` as its JSON string; resolves its ARN. */
  createSecret(name: string, value: Record<string, unknown>): Promise<string>;
  /** RotateSecret with the project's rotate function; resolves the new version's token. */
  startRotation(secretId: string, options?: { rotateImmediately?: boolean }): Promise<string>;
  /** Starts a rotation and waits for it to end; resolves its outcome. */
  rotate(secretId: string): Promise<RotationOutcome>;
  /** The parsed JSON of a stage (and version) of a secret. */
  readJson(secretId: string, stage: string, versionId?: string): Promise<Record<string, unknown>>;
  /** Version id → staging labels. */
  stages(secretId: string): Promise<Record<string, string[]>>;
  /** Invokes the rotate function directly, as Secrets Manager would, for one step. */
  invokeStep(step: string, secretId: string, token: string): Promise<void>;
  stop(): Promise<void>;
}

/** Writes a PEM to a temp file and returns its path (ROTASYNC_CA_BUNDLE takes a path). */
export const pemFile = (pem: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'rotasync-ca-'));
  const path = join(dir, 'ca.pem');
  writeFileSync(path, pem);
  return path;
};

export const startRotationHarness = async (
  options: LocalStackOptions = {},
): Promise<RotationHarness> => {
  const functionOutput: string[] = [];
  const stack = await startLocalStack({
    ...options,
    onFunctionOutput: (_name, line) => functionOutput.push(line),
  });
  const sm = new SecretsManagerClient({
    endpoint: stack.cloud.endpoint,
    region: stack.region,
    // The test's own calls must not be retried behind its back when faults are injected.
    maxAttempts: 1,
  });
  const rotateArn = stack.functionArn('rotate');
  const harness: RotationHarness = {
    stack,
    sm,
    functionOutput,
    rotateArn,
    createSecret: async (name, value) => {
      const created = await sm.send(
        new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
      );
      return created.ARN ?? name;
    },
    startRotation: async (secretId, startOptions = {}) => {
      const started = await sm.send(
        new RotateSecretCommand({
          SecretId: secretId,
          RotationLambdaARN: rotateArn,
          RotationRules: { AutomaticallyAfterDays: 30 },
          RotateImmediately: startOptions.rotateImmediately ?? true,
        }),
      );
      return started.VersionId ?? '';
    },
    rotate: async (secretId) => {
      const token = await harness.startRotation(secretId);
      const outcomes = await stack.cloud.rotationsSettled();
      const outcome = [...outcomes].reverse().find((candidate) => candidate.token === token);
      if (!outcome) throw new Error(`no outcome for rotation ${token}`);
      return outcome;
    },
    readJson: async (secretId, stage, versionId) => {
      const read = await sm.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionStage: stage,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
      return JSON.parse(read.SecretString ?? '{}') as Record<string, unknown>;
    },
    stages: async (secretId) => {
      const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
      return described.VersionIdsToStages ?? {};
    },
    invokeStep: async (step, secretId, token) => {
      await stack.functions.invoke(
        rotateArn,
        { Step: step, SecretId: secretId, ClientRequestToken: token },
        stack.region,
      );
    },
    stop: async () => {
      sm.destroy();
      await stack.stop();
    },
  };
  return harness;
};

/** Whether `username`/`password` log in to the PostgreSQL server (TLS verified). */
export const pgLogsIn = (server: RunningDatabaseInfo, username: string, password: string) =>
  logsIn(server, username, password);
