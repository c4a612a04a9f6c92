/**
 * Where the conformance suite sends its Secrets Manager requests.
 *
 * By default every test file starts the local cloud in-process (`startLocalCloud({})`) on a free
 * loopback port and stops it when the file ends.
 *
 * To run the same suite, unchanged, against another endpoint, set ROTASYNC_CONFORMANCE_ENDPOINT:
 *
 * - a URL (another emulator, e.g. `http://127.0.0.1:4566`): both Region clients send to that URL,
 *   signed for their own Region;
 * - the word `aws`: the SDK's usual regional endpoints of a real account.
 *
 * Credentials and Region come from the SDK's usual variables. vitest.config.ts sets AWS_REGION
 * and test access keys for every project, so for a real account name a profile (AWS_PROFILE
 * makes the SDK skip the key variables) and, when needed, the Regions explicitly:
 *
 * ```sh
 * ROTASYNC_CONFORMANCE_ENDPOINT=aws AWS_PROFILE=sandbox \
 *   ROTASYNC_CONFORMANCE_REGION=eu-west-1 ROTASYNC_CONFORMANCE_OTHER_REGION=eu-central-1 \
 *   npx vitest run --project conformance
 * ```
 *
 * Against any endpoint the suite only creates secrets under a per-run name prefix
 * (`rotasync-conformance/<random>/`) and force-deletes each of them in both Regions at the end.
 * Nothing else in the account is read for assertions, changed or deleted.
 */

/** Where the suite runs: the in-process local cloud, or an endpoint named by the environment. */
export interface ConformanceTarget {
  readonly kind: 'local' | 'external';
  /** The endpoint URL, or `undefined` for the SDK's default regional endpoints. */
  readonly endpoint: string | undefined;
  /** The Region most tests use. */
  readonly region: string;
  /** A second Region, for isolation tests. */
  readonly otherRegion: string;
  /** Stops the local cloud when the suite started it; nothing otherwise. */
  close(): Promise<void>;
}

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_OTHER_REGION = 'us-west-2';

/** The second Region: never the first one. */
const otherRegionThan = (region: string, wanted: string | undefined): string => {
  if (wanted !== undefined && wanted !== '' && wanted !== region) return wanted;
  return region === DEFAULT_OTHER_REGION ? DEFAULT_REGION : DEFAULT_OTHER_REGION;
};

/**
 * Opens the conformance target: the endpoint named by ROTASYNC_CONFORMANCE_ENDPOINT, or a local
 * cloud started in-process. Call `close()` when done.
 */
export const openConformanceTarget = async (): Promise<ConformanceTarget> => {
  const named = process.env.ROTASYNC_CONFORMANCE_ENDPOINT?.trim();
  const region =
    process.env.ROTASYNC_CONFORMANCE_REGION || process.env.AWS_REGION || DEFAULT_REGION;
  const otherRegion = otherRegionThan(region, process.env.ROTASYNC_CONFORMANCE_OTHER_REGION);

  if (named !== undefined && named !== '') {
    return {
      kind: 'external',
      endpoint: named.toLowerCase() === 'aws' ? undefined : named,
      region,
      otherRegion,
      close: async () => {},
    };
  }

  // Loaded only when needed, so a run against another endpoint never imports the emulator.
  const { startLocalCloud } = await import('#local-cloud/index.js');
  const { createLocalLambda } = await import('#local-cloud/lambda/lambda-api.js');
  // Lambda's API with no function deployed: what the suite checks needs none (lambda.test.ts).
  const lambda = createLocalLambda({ host: () => undefined, projectRoot: process.cwd() });
  const cloud = await startLocalCloud({ extraServices: { lambda } });
  return {
    kind: 'local',
    endpoint: cloud.endpoint,
    region,
    otherRegion,
    close: () => cloud.stop(),
  };
};
