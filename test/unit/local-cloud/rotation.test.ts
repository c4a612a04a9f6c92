import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '#local-cloud/secrets-manager/operations/index.js';
import { RotationRunner } from '#local-cloud/secrets-manager/rotation.js';
import { SecretsState } from '#local-cloud/secrets-manager/store.js';
import type { FunctionInvoker, RotationInvocation } from '#local-cloud/types.js';

const REGION = 'us-east-1';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rotate';

/** A store, a runner, and a rotation function that behaves like the AWS templates. */
const setUp = (failAt?: RotationInvocation['Step']) => {
  const state = new SecretsState('123456789012');
  const calls: string[] = [];
  const outcomes: string[] = [];
  let persisted = 0;
  let runner: RotationRunner;
  const call = (operation: string, body: Record<string, unknown>): Record<string, unknown> => {
    const op = OPERATIONS[operation];
    if (op === undefined) throw new Error(operation);
    return op(body, {
      region: REGION,
      store: state.region(REGION),
      now: Date.now(),
      rotations: runner,
    }).response;
  };
  const invoke: FunctionInvoker = async (functionArn, event, region) => {
    calls.push(`${event.Step} ${functionArn === FUNCTION_ARN} ${region}`);
    if (event.Step === failAt) throw new Error(`${event.Step} failed`);
    const token = event.ClientRequestToken;
    const stages = (call('DescribeSecret', { SecretId: event.SecretId }).VersionIdsToStages ??
      {}) as Record<string, string[]>;
    if (event.Step === 'createSecret') {
      call('PutSecretValue', {
        SecretId: event.SecretId,
        ClientRequestToken: token,
        SecretString: 'new',
        VersionStages: ['AWSPENDING'],
      });
    }
    if (event.Step === 'finishSecret') {
      const current = Object.keys(stages).find((id) => stages[id]?.includes('AWSCURRENT'));
      call('UpdateSecretVersionStage', {
        SecretId: event.SecretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token,
        RemoveFromVersionId: current,
      });
    }
  };
  runner = new RotationRunner({
    state,
    invoke,
    onStateChange: () => {
      persisted += 1;
    },
    onOutcome: (outcome, testOnly) => outcomes.push(`${testOnly} ${outcome.failedStep ?? 'ok'}`),
  });
  call('CreateSecret', { Name: 'app', SecretString: 'old' });
  return { state, runner, call, calls, outcomes, persisted: () => persisted };
};

describe('rotation runner', () => {
  it('runs the four steps in order, then removes AWSPENDING and sets LastRotatedDate', async () => {
    // Prepare
    const t = setUp();
    // Act
    const { VersionId } = t.call('RotateSecret', {
      SecretId: 'app',
      RotationLambdaARN: FUNCTION_ARN,
    });
    const placeholder = t.call('DescribeSecret', { SecretId: 'app' }).VersionIdsToStages;
    const outcomes = await t.runner.settled();
    // Assess
    expect(placeholder).toMatchObject({ [String(VersionId)]: ['AWSPENDING'] });
    expect(t.calls).toEqual([
      'createSecret true us-east-1',
      'setSecret true us-east-1',
      'testSecret true us-east-1',
      'finishSecret true us-east-1',
    ]);
    expect(outcomes).toEqual([
      expect.objectContaining({ token: VersionId, failedStep: undefined }),
    ]);
    const described = t.call('DescribeSecret', { SecretId: 'app' });
    expect(described.VersionIdsToStages).toMatchObject({ [String(VersionId)]: ['AWSCURRENT'] });
    expect(described.LastRotatedDate).toBeTypeOf('number');
    expect(t.call('GetSecretValue', { SecretId: 'app' }).SecretString).toBe('new');
    expect(t.persisted()).toBeGreaterThan(0);
  });

  it('stops at the first failing step and leaves AWSPENDING on the token', async () => {
    // Prepare
    const t = setUp('setSecret');
    // Act
    const { VersionId } = t.call('RotateSecret', {
      SecretId: 'app',
      RotationLambdaARN: FUNCTION_ARN,
    });
    const outcomes = await t.runner.settled();
    // Assess
    expect(t.calls).toEqual(['createSecret true us-east-1', 'setSecret true us-east-1']);
    expect(outcomes[0]).toMatchObject({ failedStep: 'setSecret', error: 'setSecret failed' });
    expect(t.call('DescribeSecret', { SecretId: 'app' }).VersionIdsToStages).toMatchObject({
      [String(VersionId)]: ['AWSPENDING'],
    });
    expect(t.outcomes).toEqual(['false setSecret']);
  });

  it('answers a RotateSecret during an incomplete rotation with an error and re-runs it', async () => {
    // Prepare
    const t = setUp('testSecret');
    const { VersionId } = t.call('RotateSecret', {
      SecretId: 'app',
      RotationLambdaARN: FUNCTION_ARN,
    });
    await t.runner.settled();
    // Act
    let code = 'ok';
    try {
      t.call('RotateSecret', { SecretId: 'app' });
    } catch (error) {
      code = (error as { code: string }).code;
    }
    const outcomes = await t.runner.settled();
    // Assess
    expect(code).toBe('InvalidRequestException');
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1]?.token).toBe(VersionId);
  });

  it('with RotateImmediately false runs testSecret only and removes the pending version', async () => {
    // Prepare
    const t = setUp();
    // Act
    const { VersionId } = t.call('RotateSecret', {
      SecretId: 'app',
      RotationLambdaARN: FUNCTION_ARN,
      RotateImmediately: false,
      RotationRules: { AutomaticallyAfterDays: 7 },
    });
    await t.runner.settled();
    // Assess
    expect(t.calls).toEqual(['testSecret true us-east-1']);
    const described = t.call('DescribeSecret', { SecretId: 'app' });
    expect(Object.keys(described.VersionIdsToStages as object)).not.toContain(VersionId);
    expect(described.RotationEnabled).toBe(true);
    expect(described.NextRotationDate).toBeTypeOf('number');
    expect(t.outcomes).toEqual(['true ok']);
  });

  it('refuses RotateSecret without a rotation function, and CancelRotateSecret reports the incomplete version', async () => {
    // Prepare
    const t = setUp('createSecret');
    let code = 'ok';
    try {
      t.call('RotateSecret', { SecretId: 'app' });
    } catch (error) {
      code = (error as { code: string }).code;
    }
    const { VersionId } = t.call('RotateSecret', {
      SecretId: 'app',
      RotationLambdaARN: FUNCTION_ARN,
    });
    await t.runner.settled();
    // Act
    const cancelled = t.call('CancelRotateSecret', { SecretId: 'app' });
    // Assess
    expect(code).toBe('InvalidRequestException');
    expect(cancelled.VersionId).toBe(VersionId);
    expect(t.call('DescribeSecret', { SecretId: 'app' }).RotationEnabled).toBe(false);
  });
});
