/**
 * The whole local cloud in one call: the AWS endpoint (Secrets Manager, and RDS when given) and
 * the project's own Lambda functions from serverless.yml, wired so that Secrets Manager invokes the
 * rotation function as the service would. `npm start`, the integration tests and the benchmarks
 * all use this, so they exercise the same path.
 */
import { fileURLToPath } from 'node:url';
import { startLocalCloud } from './index.js';
import { FunctionHost } from './lambda/function-host.js';
import { readServerlessProject } from './lambda/serverless-config.js';
import type { LocalCloud, ServiceHandler } from './types.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalStackOptions {
  /** The primary Region (the Region functions are "deployed" to by default); `us-east-1`. */
  readonly region?: string;
  /** Extra environment for every function (e.g. ROTASYNC_CA_BUNDLE for the local test CA). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Persists the Secrets Manager state to this file. */
  readonly stateFile?: string;
  /** More local services, e.g. `{ rds: createLocalRds(...) }`. */
  readonly extraServices?: Readonly<Record<string, ServiceHandler>>;
  /** Receives every line the functions print. */
  readonly onFunctionOutput?: (functionName: string, line: string) => void;
}

export interface LocalStack {
  readonly cloud: LocalCloud;
  readonly functions: FunctionHost;
  readonly region: string;
  /** The ARN of a function of serverless.yml (by its key, e.g. `rotate`) in a Region. */
  functionArn(key: string, region?: string): string;
  /** Environment variables that point an AWS SDK client in this process at the local cloud. */
  readonly clientEnvironment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts the local cloud and the project's functions; `stop()` ends both. */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const region = options.region ?? 'us-east-1';
  let functions: FunctionHost | undefined;
  const cloud = await startLocalCloud({
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    ...(options.extraServices ? { extraServices: options.extraServices } : {}),
    invokeFunction: async (arn, payload, invokeRegion) => {
      if (!functions) throw new Error('the local functions are not started');
      await functions.invoke(arn, payload, invokeRegion);
    },
  });
  const project = readServerlessProject(PROJECT_ROOT, {
    stage: 'local',
    region,
    accountId: cloud.accountId,
  });
  const clientEnvironment = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.endpoint,
    AWS_ENDPOINT_URL_RDS: cloud.endpoint,
  };
  const host = new FunctionHost({
    projectRoot: PROJECT_ROOT,
    project,
    accountId: cloud.accountId,
    environment: { ...clientEnvironment, ...options.environment },
    ...(options.onFunctionOutput ? { onOutput: options.onFunctionOutput } : {}),
  });
  functions = host;
  return {
    cloud,
    functions: host,
    region,
    clientEnvironment,
    functionArn: (key, inRegion) => host.arnOf(key, inRegion ?? region),
    stop: async () => {
      await cloud.stop();
      await host.stop();
    },
  };
};
