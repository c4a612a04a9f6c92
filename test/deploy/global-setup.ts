/**
 * Packages every stack under test once per run, in parallel, each in its own scratch copy of the
 * project, and hands the directories to the tests (`inject('packagedStacks')`). Vitest calls the
 * returned function after the last test; it removes the scratch copies.
 */
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { packageStack, type StackName, TEST_STACKS } from './helpers/stacks.js';

/** Vitest globalSetup: `serverless package` for each stack; fails loudly with osls's output. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const names = Object.keys(TEST_STACKS) as StackName[];
  const results = await Promise.all(names.map((name) => packageStack(TEST_STACKS[name])));
  const removeAll = async (): Promise<void> => {
    await Promise.all(results.map(({ dir }) => rm(dir, { recursive: true, force: true })));
  };
  const failed = names.flatMap((name, index) => {
    const run = results[index]?.run;
    return run === undefined || run.code === 0 ? [] : [`${name}:\n${run.output}`];
  });
  if (failed.length > 0) {
    await removeAll();
    throw new Error(`serverless package failed:\n${failed.join('\n')}`);
  }
  project.provide(
    'packagedStacks',
    Object.fromEntries(names.map((name, index) => [name, results[index]?.dir ?? ''])) as Record<
      StackName,
      string
    >,
  );
  return removeAll;
}
