/**
 * The options every command shares, and the parsers of option values. A bad value is a
 * UsageError (exit 2) that names the option, raised before any AWS call.
 */
import { type Command, Option } from 'commander';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** What every command reads from the shared options, resolved against the environment. */
export interface CommonOptions {
  /** The Region to act in; `undefined` lets the SDK find one (AWS_REGION, the profile). */
  readonly region: string | undefined;
  /** One endpoint for every service (`--endpoint`), else the SDK's own AWS_ENDPOINT_URL_*. */
  readonly endpoint: string | undefined;
  readonly profile: string | undefined;
  /** Deployed function names are `<functionPrefix><function>`, e.g. `rotasync-dev-drill`. */
  readonly functionPrefix: string;
  readonly json: boolean;
  /** Progress lines on stderr: on a terminal, or when asked. */
  readonly progress: boolean;
}

/** The raw values commander hands over for the shared options. */
export interface RawCommonOptions {
  readonly region?: string;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly stage?: string;
  readonly functionPrefix?: string;
  readonly json?: boolean;
  readonly progress?: boolean;
}

/** An AWS Region name, e.g. `us-east-1`, `us-gov-west-1`, `eu-central-2`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Stage names serverless accepts (letters, digits, hyphens). */
const STAGE = /^[a-zA-Z0-9-]+$/;

/** Checks a Region name. */
export const parseRegion = (value: string, option = '--region'): string => {
  if (!REGION.test(value)) {
    throw new UsageError(`${option} "${value}" is not a Region name (e.g. us-east-1).`);
  }
  return value;
};

/**
 * Adds the shared options to a command: where to act (Region, endpoint, profile), which
 * deployment (stage or function prefix), and how to print (JSON, progress).
 */
export const withCommonOptions = (
  command: Command,
  options: { region?: boolean } = {},
): Command => {
  if (options.region !== false) {
    command.option(
      '--region <region>',
      'the Region to act in (default: AWS_REGION, AWS_DEFAULT_REGION or the profile)',
    );
  }
  return command
    .option(
      '--endpoint <url>',
      "one endpoint URL for every AWS service (default: the SDK's AWS_ENDPOINT_URL_* variables)",
    )
    .option('--profile <name>', 'the AWS profile for credentials and Region')
    .option(
      '--stage <stage>',
      'the deployed stage: functions are rotasync-<stage>-<name> (default: ROTASYNC_STAGE or dev)',
    )
    .option(
      '--function-prefix <prefix>',
      "the deployed functions' name prefix, instead of rotasync-<stage>- (e.g. rotasync-local-)",
    )
    .option('--json', 'print only JSON on stdout, for scripts')
    .addOption(new Option('--progress', 'show progress on stderr even when it is not a terminal'))
    .addOption(new Option('--no-progress', 'never show progress'));
};

/** Resolves the shared options against the environment; throws UsageError on a bad value. */
export const resolveCommonOptions = (raw: RawCommonOptions, io: CliIo): CommonOptions => {
  const regionText = raw.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const region =
    regionText === undefined || regionText === ''
      ? undefined
      : parseRegion(regionText, raw.region === undefined ? 'AWS_REGION' : '--region');
  if (raw.endpoint !== undefined) parseEndpoint(raw.endpoint);
  if (raw.stage !== undefined && raw.functionPrefix !== undefined) {
    throw new UsageError('Give --stage or --function-prefix, not both.');
  }
  const stage = raw.stage ?? io.env.ROTASYNC_STAGE ?? 'dev';
  if (!STAGE.test(stage)) {
    throw new UsageError(`--stage "${stage}" is not a stage name (letters, digits, hyphens).`);
  }
  const functionPrefix =
    raw.functionPrefix ??
    (raw.stage === undefined ? io.env.ROTASYNC_FUNCTION_PREFIX : undefined) ??
    `rotasync-${stage}-`;
  if (!/^[a-zA-Z0-9_-]*$/.test(functionPrefix)) {
    throw new UsageError(
      `--function-prefix "${functionPrefix}" has characters a function name cannot.`,
    );
  }
  const json = raw.json === true;
  return {
    region,
    endpoint: raw.endpoint,
    profile: raw.profile,
    functionPrefix,
    json,
    progress: raw.progress ?? io.stderr.isTTY,
  };
};

/** Checks an endpoint URL (http or https). */
export const parseEndpoint = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint "${value}" is not a URL (e.g. http://127.0.0.1:4566).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint "${value}" must be an http or https URL.`);
  }
  return value;
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration: `500ms`, `30s`, `5m`, `2h`, or a number of seconds.
 * @example parseDuration('5m', '--timeout') // 300000
 */
export const parseDuration = (value: string, option: string): number => {
  const match = DURATION.exec(value.trim());
  if (match === null) {
    throw new UsageError(`${option} "${value}" is not a duration (e.g. 90s, 5m, 1h).`);
  }
  return Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
};

/** The secret selector of the DR functions: all, some names, or one tag. */
export type SecretSelector =
  | 'all'
  | { readonly names: readonly string[] }
  | { readonly tag: { readonly key: string; readonly value: string } };

/**
 * The Region `--region` names, once `--confirm` repeats it (failover, failback); a UsageError,
 * before any AWS call, when it does not.
 */
export const confirmedRegion = (options: {
  readonly region?: string;
  readonly confirm?: string;
}): string => {
  const region = options.region ?? '';
  if (options.confirm !== region) {
    throw new UsageError(
      `--confirm "${options.confirm ?? ''}" does not repeat --region "${region}": nothing was done.`,
    );
  }
  return region;
};

/** Adds `--secrets` and `--tag`, which choose the secrets a DR function acts on. */
export const withSecretSelector = (command: Command): Command =>
  command
    .option(
      '--secrets <names>',
      'only these secrets (comma-separated names; repeatable)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--tag <key=value>', 'only the secrets with this tag');

/** Reads `--secrets`/`--tag` into a selector; neither means all. */
export const parseSecretSelector = (raw: {
  readonly secrets?: readonly string[];
  readonly tag?: string;
}): SecretSelector => {
  if (raw.secrets !== undefined && raw.tag !== undefined) {
    throw new UsageError('Give --secrets or --tag, not both.');
  }
  if (raw.secrets !== undefined) {
    const names = raw.secrets
      .flatMap((list) => list.split(','))
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (names.length === 0) throw new UsageError('--secrets names no secret.');
    return { names: [...new Set(names)] };
  }
  if (raw.tag !== undefined) {
    const equals = raw.tag.indexOf('=');
    const key = equals < 0 ? '' : raw.tag.slice(0, equals).trim();
    if (key === '') throw new UsageError(`--tag "${raw.tag}" must be key=value.`);
    return { tag: { key, value: raw.tag.slice(equals + 1).trim() } };
  }
  return 'all';
};

/** Reads a comma-separated list of Regions. */
export const parseRegionList = (value: string, option: string): string[] =>
  value
    .split(',')
    .map((region) => region.trim())
    .filter((region) => region !== '')
    .map((region) => parseRegion(region, option));
