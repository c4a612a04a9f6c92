/**
 * The AWS clients the command uses, one per service and Region, all configured the same way:
 * `--endpoint` for every service when given (else the SDK's own AWS_ENDPOINT_URL_<SERVICE>
 * variables), `--profile`, and the SDK's standard retries. Also the one place that turns an SDK
 * failure into an AwsCallError (exit 3) naming the call.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsCallError, CliError, UsageError } from './errors.js';
import type { CommonOptions } from './options.js';

export interface AwsClients {
  /** The Region commands act in (from --region, the environment or the profile). */
  region(): Promise<string>;
  secretsManager(region: string): SecretsManagerClient;
  lambda(region: string): LambdaClient;
  destroy(): void;
}

type ClientConfig = { region: string; endpoint?: string; profile?: string };

/** Creates clients lazily and keeps one per service and Region. */
export const createAwsClients = (options: CommonOptions): AwsClients => {
  const made = new Map<string, SecretsManagerClient | LambdaClient>();
  const config = (region: string): ClientConfig => ({
    region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  const once = <T extends SecretsManagerClient | LambdaClient>(key: string, make: () => T): T => {
    const known = made.get(key);
    if (known !== undefined) return known as T;
    const client = make();
    made.set(key, client);
    return client;
  };
  let region: Promise<string> | undefined;
  return {
    region: () => {
      region ??= resolveRegion(options);
      return region;
    },
    secretsManager: (inRegion) =>
      once(`sm ${inRegion}`, () => new SecretsManagerClient(config(inRegion))),
    lambda: (inRegion) => once(`lambda ${inRegion}`, () => new LambdaClient(config(inRegion))),
    destroy: () => {
      for (const client of made.values()) client.destroy();
      made.clear();
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
 * Runs one AWS call; a failure becomes an AwsCallError whose message names the call (`what`,
 * e.g. `RotateSecret prod/db/app in us-east-1`) and the service's error, never request data.
 */
export const awsCall = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw toAwsCallError(what, error);
  }
};

/** The AwsCallError for an SDK failure of `what` (the command's own errors pass through). */
export const toAwsCallError = (what: string, error: unknown): CliError => {
  if (error instanceof CliError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const hint = SDK_ERROR_HINTS[name];
  return new AwsCallError(
    `${what} failed: ${name}: ${message}${hint === undefined ? '' : ` (${hint})`}`,
    name,
    { cause: error },
  );
};

/** Whether an SDK error is the service's ResourceNotFoundException. */
export const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFoundException' ||
    (error instanceof AwsCallError && error.code === 'ResourceNotFoundException'));
