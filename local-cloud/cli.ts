/**
 * `npm run local`: the local cloud standalone, for the AWS CLI and SDKs.
 *   --port <n>      (or ROTASYNC_LOCAL_PORT; default 4566)
 *   --state <file>  (default .rotasync/local-cloud.json)
 *   --request-quota <scale>  enforce Secrets Manager's request-rate quotas, times <scale> (1: as
 *                   the service); off by default
 * Stops cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeEmfLine } from './lambda/emf.js';
import { startLocalStack } from './stack.js';
import type { LocalCloud } from './types.js';

export interface CliOptions {
  readonly port: number;
  readonly stateFile: string;
  /** The request-rate quotas' scale, when they are enforced. */
  readonly requestQuotaScale?: number;
}

/** Reads `--port`/`--state` and ROTASYNC_LOCAL_PORT; throws on a bad port. */
export const parseCliOptions = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliOptions => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      state: { type: 'string' },
      'request-quota': { type: 'string' },
    },
    strict: true,
  });
  const portText = values.port ?? env.ROTASYNC_LOCAL_PORT ?? '4566';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`Invalid port "${portText}": give a number from 0 to 65535.`);
  }
  const stateFile = values.state ?? '.rotasync/local-cloud.json';
  const quotaText = values['request-quota'];
  if (quotaText === undefined) return { port, stateFile };
  const requestQuotaScale = Number(quotaText);
  if (!(Number.isFinite(requestQuotaScale) && requestQuotaScale > 0)) {
    throw new Error(
      `Invalid --request-quota "${quotaText}": give a scale above 0 (1: as the service).`,
    );
  }
  return { port, stateFile, requestQuotaScale };
};

/**
 * Starts the local cloud with the project's functions (so RotateSecret invokes the real `rotate`
 * function, and changes reach `replicate` through the serverless.yml event rules), prints how to
 * reach it, and stops it on SIGINT/SIGTERM.
 */
export const runCli = async (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<LocalCloud> => {
  const options = parseCliOptions(argv, env);
  const stack = await startLocalStack({
    port: options.port,
    stateFile: options.stateFile,
    events: { autoDeliver: true },
    // An EMF line is a metric, not a log line: shown as one, as CloudWatch would record it.
    onFunctionOutput: (name, text) => console.log(`[${name}] ${describeEmfLine(text) ?? text}`),
  });
  const cloud = stack.cloud;
  if (options.requestQuotaScale !== undefined) {
    cloud.faults.set({ requestQuota: { scale: options.requestQuotaScale } });
  }
  console.log(`Rotasync local cloud listening on ${cloud.endpoint}`);
  if (options.requestQuotaScale !== undefined) {
    console.log(`Request-rate quotas enforced, scale ${options.requestQuotaScale}`);
  }
  console.log(`State file: ${options.stateFile}`);
  console.log('Point the AWS CLI or an SDK at it, for example:');
  console.log(
    `  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url ${cloud.endpoint} secretsmanager list-secrets`,
  );
  console.log(`  export AWS_ENDPOINT_URL_SECRETS_MANAGER=${cloud.endpoint}`);
  console.log(`  export AWS_ENDPOINT_URL_LAMBDA=${cloud.endpoint}   # Lambda's Invoke API`);
  console.log(
    `  npx rotasync status --endpoint ${cloud.endpoint} --stage local --region us-east-1`,
  );
  console.log('Functions (from serverless.yml), for --rotation-lambda-arn and by hand:');
  for (const fn of stack.project.functions) {
    console.log(`  ${fn.key.padEnd(10)} ${stack.functionArn(fn.key)}`);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the local cloud`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('local cloud: stop failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return cloud;
};

// Run when executed directly (`npm run local`), not when imported by another module.
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  runCli(process.argv.slice(2), process.env).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
