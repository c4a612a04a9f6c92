/**
 * The AWS clients the command uses, one per service and Region, all made the project's one way
 * (shared/aws/clients.ts: the SDK's standard retries, 4 attempts with jittered backoff), plus
 * `--endpoint` for every service when given (else the SDK's own AWS_ENDPOINT_URL_<SERVICE>
 * variables) and `--profile`. Also the one place that turns an SDK failure into a
 * CallFailedError (exit 3) naming the call.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientSettings, errorName, perRegion } from '#shared/aws/clients.js';
import { CallFailedError, CliError, UsageError } from './errors.js';
import type { CommonOptions } from './options.js';

export interface AwsClients {
  /** The Region commands act in (from --region, the environment or the profile). */
  region(): Promise<string>;
  secretsManager(region: string): SecretsManagerClient;
  lambda(region: string): LambdaClient;
  destroy(): void;
}

/** Creates clients lazily and keeps one per service and Region. */
export const createAwsClients = (options: CommonOptions): AwsClients => {
  const made: { destroy(): void }[] = [];
  const settings = (region: string | undefined) => ({
    ...clientSettings(region),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  const remember = <T extends { destroy(): void }>(client: T): T => {
    made.push(client);
    return client;
  };
  const secretsManager = perRegion((region) =>
    remember(new SecretsManagerClient(settings(region))),
  );
  const lambda = perRegion((region) => remember(new LambdaClient(settings(region))));
  let region: Promise<string> | undefined;
  return {
    region: () => {
      region ??= resolveRegion(options);
      return region;
    },
    secretsManager: (inRegion) => secretsManager(inRegion),
    lambda: (inRegion) => lambda(inRegion),
    destroy: () => {
      for (const client of made.splice(0)) client.destroy();
    },
  };
};

/** --region or AWS_REGION, else what the SDK finds in the profile; a UsageError when none. */
const resolveRegion = async (options: CommonOptions): Promise<string> => {
  if (options.region !== undefined) return options.region;
  const probe = new SecretsManagerClient({
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  try {
    return await probe.config.region();
  } catch {
    throw new UsageError('No Region: give --region, or set AWS_REGION or a profile Region.');
  } finally {
    probe.destroy();
  }
};

const SDK_ERROR_HINTS: Readonly<Record<string, string>> = {
  CredentialsProviderError:
    'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
  ExpiredTokenException: 'the credentials have expired: renew them (e.g. aws sso login)',
  UnrecognizedClientException: 'the credentials are not valid for this endpoint',
};

/**
 * Runs one AWS call; a failure becomes a CallFailedError whose message names the call (`what`,
 * e.g. `RotateSecret prod/db/app in us-east-1`) and the service's error, never request data.
 */
export const awsCall = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw toCallFailedError(what, error);
  }
};

/** The CallFailedError for an SDK failure of `what` (the command's own errors pass through). */
const toCallFailedError = (what: string, error: unknown): CliError => {
  if (error instanceof CliError) return error;
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = SDK_ERROR_HINTS[name];
  return new CallFailedError(
    `${what} failed: ${name}: ${message}${hint === undefined ? '' : ` (${hint})`}`,
    name,
    { cause: error },
  );
};

/** Whether an SDK error is the service's ResourceNotFoundException. */
export const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFoundException' ||
    (error instanceof CallFailedError && error.code === 'ResourceNotFoundException'));
