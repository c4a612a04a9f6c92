/**
 * `serverless package` itself refuses a stack whose roles would reach every secret (no
 * prefixes and no allowAllSecrets=true), and says what to do, before building anything.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { packageStack } from './helpers/stacks.js';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('serverless package with empty secret prefixes', () => {
  it('fails, naming both prefixes and allowAllSecrets', async () => {
    // Act
    const { dir, run } = await packageStack({ stage: 'refused', region: 'us-east-1', params: {} });
    scratch.push(dir);
    // Assess
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('rotatedSecretPrefix is empty');
    expect(run.output).toContain('replicatedSecretPrefix is empty');
    expect(run.output).toContain('--param="allowAllSecrets=true"');
    expect(run.output).not.toContain('Service packaged');
  });
});
