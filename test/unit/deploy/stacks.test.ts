/** deploy/stacks.ts: one stack per Region from a stacks file, as `serverless` arguments. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, parseStacks, readStacks, serverlessArguments } from '#deploy/stacks.js';

describe('deploy/stacks.ts', () => {
  it('gives each Region the shared parameters and its own, its own winning', () => {
    // Prepare
    const text = [
      'stage: prod',
      'params: { rotatedSecretPrefix: prod/db/, replicaRegions: none-yet, passwordLength: 40 }',
      'regions:',
      '  eu-west-1: { replicaRegions: eu-central-1 }',
      '  eu-central-1: { replicaRegions: eu-west-1, alarmTopicArn: "" }',
    ].join('\n');
    // Act
    const plans = parseStacks(text);
    // Assess
    expect(plans).toEqual([
      {
        stage: 'prod',
        region: 'eu-west-1',
        params: {
          rotatedSecretPrefix: 'prod/db/',
          replicaRegions: 'eu-central-1',
          passwordLength: '40',
        },
      },
      {
        stage: 'prod',
        region: 'eu-central-1',
        params: {
          rotatedSecretPrefix: 'prod/db/',
          replicaRegions: 'eu-west-1',
          passwordLength: '40',
          alarmTopicArn: '',
        },
      },
    ]);
  });

  it('passes parameters as --param, leaving empty ones to serverless.yml defaults', () => {
    // Prepare
    const plan = { stage: 'prod', region: 'eu-west-1', params: { a: 'x=y', b: '' } };
    // Act
    const args = serverlessArguments('package', plan, 'out');
    // Assess
    expect(args).toEqual([
      'package',
      '--stage',
      'prod',
      '--region',
      'eu-west-1',
      '--package',
      'out',
      '--param=a=x=y',
    ]);
  });

  it.each([
    ['regions: { eu-west-1: {} }', 'stage'],
    ['stage: prod', 'regions must name at least one Region'],
    ['stage: prod\nregions: { europe: {} }', '"europe" is not a Region name'],
    ['stage: prod\nregions: { eu-west-1: { vpcSubnetIds: [a, b] } }', 'must be a string'],
  ])('refuses %j', (text, message) => {
    // Act & Assess
    expect(() => parseStacks(text)).toThrow(message);
  });

  it('reads the example: a primary and a recovery Region of one stage', () => {
    // Act
    const plans = readStacks(join(PROJECT_ROOT, 'deploy', 'stacks.example.yml'));
    // Assess
    expect(plans.map((plan) => [plan.stage, plan.region, plan.params.replicaRegions])).toEqual([
      ['example', 'us-east-1', 'us-west-2'],
      ['example', 'us-west-2', 'us-east-1'],
    ]);
  });
});
