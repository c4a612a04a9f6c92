/**
 * Rotation figures: Secrets Manager calls (from the local cloud's request log), login attempts
 * (from the database servers themselves) and step latencies, for every engine and strategy, over
 * real rotations driven by RotateSecret.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RunningDatabase } from '#local-cloud/databases/running-database.js';
import type { LocalStack } from '#local-cloud/stack.js';
import type { LoginCounter } from './login-counters.js';
import { quantile } from './table.js';

export interface RotationCase {
  readonly label: string;
  readonly server: RunningDatabase;
  readonly engine: 'postgres' | 'mariadb';
  readonly alternating: boolean;
  readonly createUser: (name: string, password: string) => Promise<void>;
  readonly logins: LoginCounter;
}

export interface RotationShape {
  /** `clone` or `original` for alternating users: which user the rotation made current. */
  readonly towards: string;
  readonly rotations: number;
  readonly calls: number;
  readonly callsByOperation: string;
  readonly logins: number;
}

export interface RotationFigures {
  readonly label: string;
  /** How the secret's `ssl` key read (`ssl: true`): it decides the templates' login count. */
  readonly ssl: string;
  readonly rounds: number;
  /**
   * Each distinct shape a rotation took (alternating users differ towards the clone and back),
   * with the rotation's target user kind, its calls by operation and its logins.
   */
  readonly shapes: readonly RotationShape[];
  readonly callsPerRotation: { readonly min: number; readonly max: number };
  readonly loginsPerRotation: { readonly min: number; readonly max: number };
  readonly failedLogins: number;
  readonly totalMs: { readonly p50: number; readonly p95: number };
  readonly stepMs: Readonly<Record<string, { readonly p50: number; readonly p95: number }>>;
}

export const measureRotations = async (
  stack: LocalStack,
  sm: SecretsManagerClient,
  testCase: RotationCase,
  rounds: number,
): Promise<RotationFigures> => {
  const { server } = testCase;
  const username = `bench_${testCase.engine}_${testCase.alternating ? 'alt' : 'single'}`;
  const password = `Bench-${Date.now()}`;
  await testCase.createUser(username, password);
  const connection = {
    engine: testCase.engine,
    host: server.host,
    port: server.port,
    ssl: true,
    ...(testCase.engine === 'postgres' ? { dbname: 'postgres' } : {}),
  };
  let masterarn: string | undefined;
  if (testCase.alternating) {
    const master = await sm.send(
      new CreateSecretCommand({
        Name: `rotasync-superuser/bench-${testCase.engine}`,
        SecretString: JSON.stringify({
          ...connection,
          username: server.adminUser,
          password: server.adminPassword,
        }),
      }),
    );
    masterarn = master.ARN;
  }
  const created = await sm.send(
    new CreateSecretCommand({
      Name: `bench/${username}`,
      SecretString: JSON.stringify({
        ...connection,
        username,
        password,
        ...(masterarn ? { masterarn } : {}),
      }),
    }),
  );
  const arn = created.ARN ?? '';

  // One warm-up rotation: the function's cold start is not what these figures are about.
  await rotateOnce(stack, sm, arn);

  const calls: number[] = [];
  const logins: number[] = [];
  let failedLogins = 0;
  const totals: number[] = [];
  const steps: Record<string, number[]> = {};
  const shapes = new Map<string, RotationShape>();
  for (let round = 0; round < rounds; round += 1) {
    stack.cloud.requestLog.clear();
    const before = await testCase.logins.read();
    const started = performance.now();
    const outcome = await rotateOnce(stack, sm, arn);
    totals.push(performance.now() - started);
    const after = await testCase.logins.read();
    const entries = stack.cloud.requestLog
      .entries()
      .filter((entry) => entry.caller === 'local-rotate');
    calls.push(entries.length);
    const loginCount = after.succeeded - before.succeeded + (after.failed - before.failed);
    logins.push(loginCount);
    const counts: Record<string, number> = {};
    for (const entry of entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
    const callsByOperation = Object.entries(counts)
      .map(([operation, count]) => `${operation} ${count}`)
      .join(', ');
    // Read after the request log was taken, so this call is not counted.
    const towards = !testCase.alternating
      ? 'same user'
      : (await currentUsername(sm, arn)).endsWith('_clone')
        ? 'the clone'
        : 'the original';
    const key = `${towards}|${callsByOperation}|${loginCount}`;
    const known = shapes.get(key);
    shapes.set(key, {
      towards,
      rotations: (known?.rotations ?? 0) + 1,
      calls: entries.length,
      callsByOperation,
      logins: loginCount,
    });
    failedLogins += after.failed - before.failed;
    for (const step of outcome.steps ?? []) {
      const durations = steps[step.step] ?? [];
      durations.push(step.durationMs);
      steps[step.step] = durations;
    }
  }
  const stepMs: Record<string, { p50: number; p95: number }> = {};
  for (const [step, values] of Object.entries(steps)) {
    stepMs[step] = { p50: quantile(values, 0.5), p95: quantile(values, 0.95) };
  }
  return {
    label: testCase.label,
    ssl: `ssl: ${String(connection.ssl)}`,
    rounds,
    shapes: [...shapes.values()],
    callsPerRotation: { min: Math.min(...calls), max: Math.max(...calls) },
    loginsPerRotation: { min: Math.min(...logins), max: Math.max(...logins) },
    failedLogins,
    totalMs: { p50: quantile(totals, 0.5), p95: quantile(totals, 0.95) },
    stepMs,
  };
};

const rotateOnce = async (stack: LocalStack, sm: SecretsManagerClient, arn: string) => {
  const started = await sm.send(
    new RotateSecretCommand({
      SecretId: arn,
      RotationLambdaARN: stack.functionArn('rotate'),
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  const outcomes = await stack.cloud.rotationsSettled();
  const outcome = outcomes.find((candidate) => candidate.token === started.VersionId);
  if (!outcome || outcome.failedStep) {
    throw new Error(`rotation of ${arn} failed at ${outcome?.failedStep}: ${outcome?.error}`);
  }
  return outcome;
};

/** The user a secret's AWSCURRENT names. */
const currentUsername = async (sm: SecretsManagerClient, arn: string): Promise<string> => {
  const current = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
  const { username } = JSON.parse(current.SecretString ?? '{}') as { username?: string };
  return username ?? '';
};
