/**
 * One stack per Region from the one serverless.yml: reads a stacks file (deploy/stacks.example.yml
 * shows the format) and runs `serverless package` or `serverless deploy` once per Region, with
 * that Region's parameters as `--param` options.
 *
 *   npm run stacks -- deploy deploy/stacks.prod.yml
 *   npm run stacks -- package deploy/stacks.prod.yml [--region us-west-2]
 *
 * Packages land in .rotasync/packages/<stage>-<region>/. Packaging needs no AWS account; without
 * credentials in the environment it passes placeholder ones, as `npm run package` does.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

/** One Region's stack: the stage, the Region and its parameters. */
export interface StackPlan {
  readonly stage: string;
  readonly region: string;
  readonly params: Readonly<Record<string, string>>;
}

/** What a `serverless` run printed and how it ended. */
export interface ServerlessRun {
  readonly code: number;
  readonly output: string;
}

/** The project root: serverless.yml lives there. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const REGION = /^([a-z]+-)+\d+$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const toParams = (value: unknown, where: string): Record<string, string> => {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new Error(`${where} must map parameter names to values`);
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => {
      if (isRecord(item) || Array.isArray(item)) {
        throw new Error(`${where}.${name} must be a string (lists are comma-separated)`);
      }
      return [name, item === null || item === undefined ? '' : String(item).trim()];
    }),
  );
};

/**
 * Parses a stacks file's text: `stage`, shared `params`, and `regions` mapping each Region to
 * its own parameters (which win). Throws naming the field at fault.
 */
export const parseStacks = (text: string, source = 'stacks file'): StackPlan[] => {
  const document: unknown = parse(text);
  if (!isRecord(document)) throw new Error(`${source} is not a YAML mapping`);
  const stage = document.stage;
  if (typeof stage !== 'string' || !/^[a-zA-Z0-9-]+$/.test(stage)) {
    throw new Error(`${source}: stage must be letters, digits and hyphens`);
  }
  const shared = toParams(document.params, `${source}: params`);
  if (!isRecord(document.regions) || Object.keys(document.regions).length === 0) {
    throw new Error(`${source}: regions must name at least one Region`);
  }
  return Object.entries(document.regions).map(([region, own]) => {
    if (!REGION.test(region)) throw new Error(`${source}: "${region}" is not a Region name`);
    return {
      stage,
      region,
      params: { ...shared, ...toParams(own, `${source}: regions.${region}`) },
    };
  });
};

/** Reads and parses a stacks file. */
export const readStacks = (path: string): StackPlan[] =>
  parseStacks(readFileSync(path, 'utf8'), path);

/**
 * The `serverless` arguments for one stack. Empty parameters are left out: osls refuses
 * `--param=name=`, and an absent parameter takes serverless.yml's default.
 */
export const serverlessArguments = (
  command: 'package' | 'deploy',
  plan: StackPlan,
  packageDir?: string,
): string[] => [
  command,
  '--stage',
  plan.stage,
  '--region',
  plan.region,
  ...(packageDir === undefined ? [] : ['--package', packageDir]),
  ...Object.entries(plan.params)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `--param=${name}=${value}`),
];

const SERVERLESS_BIN = createRequire(import.meta.url).resolve('osls/bin/serverless.js');

/**
 * Runs osls with `args` in `projectDir` (where its serverless.yml is) on this Node, and
 * resolves how it ended with everything it printed.
 */
export const runServerless = (
  args: readonly string[],
  options: {
    readonly projectDir?: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly echo?: boolean;
  } = {},
): Promise<ServerlessRun> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [SERVERLESS_BIN, ...args], {
      cwd: options.projectDir ?? PROJECT_ROOT,
      env: { ...process.env, ...options.env, SLS_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer, stream: NodeJS.WriteStream): void => {
      chunks.push(chunk);
      if (options.echo === true) stream.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => collect(chunk, process.stdout));
    child.stderr.on('data', (chunk: Buffer) => collect(chunk, process.stderr));
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code: code ?? 1, output: Buffer.concat(chunks).toString() }),
    );
  });

/** Placeholder credentials for packaging offline; real ones from the environment win. */
export const offlineCredentials = (): NodeJS.ProcessEnv => ({
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'offline',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'offline',
});

const main = async (argv: readonly string[]): Promise<number> => {
  const [command, file, ...rest] = argv;
  const regionAt = rest.indexOf('--region');
  const onlyRegion = regionAt >= 0 ? rest[regionAt + 1] : undefined;
  if ((command !== 'package' && command !== 'deploy') || file === undefined) {
    process.stderr.write(
      'usage: npm run stacks -- <package|deploy> <stacks file> [--region <region>]\n',
    );
    return 2;
  }
  const plans = readStacks(file).filter(
    (plan) => onlyRegion === undefined || plan.region === onlyRegion,
  );
  if (plans.length === 0) {
    process.stderr.write(`${file} has no stack in ${onlyRegion}\n`);
    return 2;
  }
  for (const plan of plans) {
    process.stdout.write(`\n${command} ${plan.stage} in ${plan.region}\n`);
    const run = await runServerless(
      serverlessArguments(
        command,
        plan,
        command === 'package'
          ? join('.rotasync', 'packages', `${plan.stage}-${plan.region}`)
          : undefined,
      ),
      { echo: true, ...(command === 'package' ? { env: offlineCredentials() } : {}) },
    );
    // The next Region waits: a failed primary stack should not be followed by its recovery.
    if (run.code !== 0) return run.code;
  }
  return 0;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
