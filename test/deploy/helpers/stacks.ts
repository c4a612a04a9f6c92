/**
 * The stacks the deployment tests package, and packaging itself: each stack is packaged by the
 * real `serverless package` (osls and serverless-esbuild) in its own scratch copy of the project
 * (symbolic links to the real files), so several can be packaged at once without sharing
 * .esbuild/ or .serverless/. The project's global setup packages every stack once per run
 * (test/deploy/global-setup.ts); tests read them with {@link loadStack}.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import {
  PROJECT_ROOT,
  readStacks,
  runServerless,
  type ServerlessRun,
  type StackPlan,
  serverlessArguments,
} from '#deploy/stacks.js';
import { applyConditions, type Template } from './cloudformation.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory of each packaged stack, by name. */
    packagedStacks: Record<StackName, string>;
  }
}

/** The stacks under test. */
export type StackName = 'primary' | 'recovery' | 'open';

const example = readStacks(join(PROJECT_ROOT, 'deploy', 'stacks.example.yml'));
const exampleIn = (region: string): StackPlan => {
  const plan = example.find((candidate) => candidate.region === region);
  if (plan === undefined) throw new Error(`deploy/stacks.example.yml has no ${region} stack`);
  return plan;
};

/**
 * primary and recovery: deploy/stacks.example.yml as it is (VPC, customer managed keys, own
 * topic with e-mail in us-east-1, an existing topic in us-west-2). open: no prefixes, accepted
 * with allowAllSecrets; deletions replicated; no VPC, no keys; an existing topic.
 */
export const TEST_STACKS: Record<StackName, StackPlan> = {
  primary: exampleIn('us-east-1'),
  recovery: exampleIn('us-west-2'),
  open: {
    stage: 'open',
    region: 'eu-west-1',
    params: {
      allowAllSecrets: 'true',
      replicateDeletes: 'true',
      replicaRegions: 'eu-central-1',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:444455556666:team-alarms',
    },
  },
};

/**
 * The secret access key packaging runs with: never a real one, and it must not reach the
 * packaged files.
 */
export const PACKAGING_SECRET_ACCESS_KEY = 'packaging-canary-3f9b1c7e5d2a4e6f8a0b';

// Build output, caches and state stay out of the scratch copy.
const LEFT_OUT = new Set(['.git', '.serverless', '.esbuild', '.rotasync', 'coverage']);

/**
 * A scratch directory that mirrors the project: folders as symbolic links, files as copies
 * (osls wants serverless.yml to be a regular file).
 */
const scratchProject = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'rotasync-package-'));
  for (const entry of await readdir(PROJECT_ROOT, { withFileTypes: true })) {
    if (LEFT_OUT.has(entry.name)) continue;
    const from = join(PROJECT_ROOT, entry.name);
    if (entry.isDirectory()) await symlink(from, join(dir, entry.name));
    else if (entry.isFile()) await copyFile(from, join(dir, entry.name));
  }
  return dir;
};

/**
 * Runs `serverless package` for `plan` in a scratch copy of the project; the package is in
 * `<dir>/package`. Resolves the scratch directory and the run (which may have failed).
 */
export const packageStack = async (
  plan: StackPlan,
): Promise<{ readonly dir: string; readonly run: ServerlessRun }> => {
  const dir = await scratchProject();
  await mkdir(join(dir, 'package'));
  const run = await runServerless(serverlessArguments('package', plan, join(dir, 'package')), {
    projectDir: dir,
    env: {
      AWS_ACCESS_KEY_ID: 'AKIAPACKAGINGOFFLINE',
      AWS_SECRET_ACCESS_KEY: PACKAGING_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
    },
  });
  return { dir, run };
};

/** A packaged stack as the tests read it. */
export interface PackagedStack {
  readonly name: StackName;
  readonly plan: StackPlan;
  /** The template as written. */
  readonly raw: Template;
  /** The template with its conditions applied: what CloudFormation would deploy. */
  readonly template: Template;
  /** The CloudFormation templates (create and update) as written. */
  readonly templateText: string;
  /** Every text file of the package (templates and osls's state), concatenated. */
  readonly text: string;
}

/** Reads a stack the global setup packaged. */
export const loadStack = async (name: StackName): Promise<PackagedStack> => {
  const dir = join(inject('packagedStacks')[name], 'package');
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json'));
  const texts = await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')));
  const templates = files.flatMap((file, index) =>
    file.startsWith('cloudformation-template-') ? [texts[index] ?? ''] : [],
  );
  const raw = JSON.parse(
    await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  return {
    name,
    plan: TEST_STACKS[name],
    raw,
    template: applyConditions(raw),
    templateText: templates.join('\n'),
    text: texts.join('\n'),
  };
};
