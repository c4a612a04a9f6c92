/**
 * The roles of drill, failover and failback, as the packaged recovery stack grants them, asked
 * about concrete calls: failover's conditions enforce its order (tag a replica failed-over, then
 * untag it, then turn rotation on, only with this Region's rotate), drill only reads, failback
 * writes the other Region's secrets and only one tag here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PLACEHOLDER_ACCOUNT,
  roleStatements,
  type Statement,
  substitute,
} from './helpers/cloudformation.js';
import { type IamRequest, isAllowed } from './helpers/iam.js';
import { loadStack, type PackagedStack } from './helpers/stacks.js';

let stack: PackagedStack;
beforeAll(async () => {
  stack = await loadStack('recovery');
});

const HERE = 'us-west-2';
const OLD = 'us-east-1';
const secret = (region: string, name = 'example/db/orders'): string =>
  `arn:aws:secretsmanager:${region}:${PLACEHOLDER_ACCOUNT}:secret:${name}-AbCdEf`;
const rotateArn = (region: string): string =>
  `arn:aws:lambda:${region}:${PLACEHOLDER_ACCOUNT}:function:rotasync-${stack.plan.stage}-rotate`;

const may = (role: string, request: IamRequest): boolean =>
  isAllowed(
    substitute(roleStatements(stack.template, role), stack.plan.region) as Statement[],
    request,
  );

const call = (
  action: string,
  resource: string,
  context: Record<string, string | readonly string[]> = {},
): IamRequest => ({
  action,
  resource,
  context: { 'aws:RequestedRegion': resource.split(':')[3] ?? '', ...context },
});

const REPLICA = { 'aws:ResourceTag/rotasync:source-arn': secret(OLD) };
const FAILED_OVER = { 'aws:ResourceTag/rotasync:failed-over-from': secret(OLD) };
const FAILOVER_TAGS = [
  'rotasync:failed-over-from',
  'rotasync:failed-over-at',
  'rotasync:failed-over-version',
  'rotasync:failed-over-source-version',
  'rotasync:replicate-to',
];
const REPLICA_TAGS = [
  'rotasync:source-arn',
  'rotasync:source-version',
  'rotasync:source-version-date',
];

describe('the failover role', () => {
  it('tags a replica of this Region failed-over, and nothing else', () => {
    const tag = (context: Record<string, string | readonly string[]>, region = HERE) =>
      may('FailoverRole', call('secretsmanager:TagResource', secret(region), context));
    expect(tag({ ...REPLICA, 'aws:TagKeys': FAILOVER_TAGS })).toBe(true);
    expect(tag({ 'aws:TagKeys': FAILOVER_TAGS })).toBe(false);
    expect(tag({ ...REPLICA, 'aws:TagKeys': [...FAILOVER_TAGS, 'team'] })).toBe(false);
    expect(tag({ ...REPLICA, 'aws:TagKeys': FAILOVER_TAGS }, OLD)).toBe(false);
  });

  it('removes the replica tags only once the secret is tagged failed-over', () => {
    const untag = (context: Record<string, string | readonly string[]>) =>
      may('FailoverRole', call('secretsmanager:UntagResource', secret(HERE), context));
    expect(untag({ ...REPLICA, ...FAILED_OVER, 'aws:TagKeys': REPLICA_TAGS })).toBe(true);
    expect(untag({ ...REPLICA, 'aws:TagKeys': REPLICA_TAGS })).toBe(false);
    expect(untag({ ...FAILED_OVER, 'aws:TagKeys': ['rotasync:failed-over-from'] })).toBe(false);
  });

  it("turns rotation on only for a failed-over source, only with this Region's rotate", () => {
    const rotate = (context: Record<string, string>) =>
      may('FailoverRole', call('secretsmanager:RotateSecret', secret(HERE), context));
    const withRotate = { 'secretsmanager:RotationLambdaARN': rotateArn(HERE) };
    expect(rotate({ ...FAILED_OVER, ...withRotate })).toBe(true);
    expect(rotate({ ...FAILED_OVER, ...REPLICA, ...withRotate })).toBe(false);
    expect(rotate({ ...withRotate })).toBe(false);
    expect(rotate({ ...FAILED_OVER, 'secretsmanager:RotationLambdaARN': rotateArn(OLD) })).toBe(
      false,
    );
    expect(may('FailoverRole', call('lambda:InvokeFunction', rotateArn(HERE)))).toBe(true);
    expect(may('FailoverRole', call('lambda:InvokeFunction', rotateArn(OLD)))).toBe(false);
  });

  it("promotes this Region's databases only", () => {
    const db = (region: string) => `arn:aws:rds:${region}:${PLACEHOLDER_ACCOUNT}:db:orders-west`;
    expect(may('FailoverRole', call('rds:PromoteReadReplica', db(HERE)))).toBe(true);
    expect(may('FailoverRole', call('rds:PromoteReadReplica', db(OLD)))).toBe(false);
    expect(
      may(
        'FailoverRole',
        call(
          'rds:FailoverGlobalCluster',
          `arn:aws:rds::${PLACEHOLDER_ACCOUNT}:global-cluster:orders`,
          {},
        ),
      ),
    ).toBe(true);
    expect(may('FailoverRole', call('secretsmanager:PutSecretValue', secret(HERE), REPLICA))).toBe(
      false,
    );
  });
});

describe('the drill role', () => {
  it('reads replicas, sources, databases and lag, and writes nothing', () => {
    expect(may('DrillRole', call('secretsmanager:GetSecretValue', secret(OLD)))).toBe(true);
    expect(may('DrillRole', call('cloudwatch:GetMetricData', '*'))).toBe(true);
    for (const action of [
      'secretsmanager:PutSecretValue',
      'secretsmanager:TagResource',
      'secretsmanager:RotateSecret',
      'rds:PromoteReadReplica',
    ]) {
      expect(may('DrillRole', call(action, secret(HERE), REPLICA))).toBe(false);
    }
    expect(may('DrillRole', call('secretsmanager:GetSecretValue', secret(HERE, 'payroll/x')))).toBe(
      false,
    );
  });
});

describe('the failback role', () => {
  it('only adds the old Region to a failed-over secret here, and makes the old secrets replicas', () => {
    const tagHere = (keys: string[], context = FAILED_OVER) =>
      may(
        'FailbackRole',
        call('secretsmanager:TagResource', secret(HERE), { ...context, 'aws:TagKeys': keys }),
      );
    expect(tagHere(['rotasync:replicate-to'])).toBe(true);
    expect(tagHere(['rotasync:replicate-to', 'team'])).toBe(false);
    expect(tagHere(['rotasync:replicate-to'], {} as typeof FAILED_OVER)).toBe(false);
    const rotatedThere = {
      'secretsmanager:resource/AllowRotationLambdaArn': rotateArn(OLD),
    };
    expect(
      may('FailbackRole', call('secretsmanager:CancelRotateSecret', secret(OLD), rotatedThere)),
    ).toBe(true);
    expect(may('FailbackRole', call('secretsmanager:CancelRotateSecret', secret(OLD)))).toBe(false);
    expect(
      may(
        'FailbackRole',
        call('secretsmanager:TagResource', secret(OLD), {
          'aws:RequestTag/rotasync:source-arn': secret(HERE),
        }),
      ),
    ).toBe(true);
    expect(
      may(
        'FailbackRole',
        call('secretsmanager:TagResource', secret(OLD), {
          'aws:RequestTag/rotasync:source-arn': secret('eu-west-1'),
        }),
      ),
    ).toBe(false);
    const replicaOfHere = { 'aws:ResourceTag/rotasync:source-arn': secret(HERE) };
    expect(
      may('FailbackRole', call('secretsmanager:PutSecretValue', secret(OLD), replicaOfHere)),
    ).toBe(true);
    expect(may('FailbackRole', call('secretsmanager:PutSecretValue', secret(OLD)))).toBe(false);
    expect(
      may('FailbackRole', call('secretsmanager:PutSecretValue', secret(HERE), replicaOfHere)),
    ).toBe(false);
    expect(may('FailbackRole', call('secretsmanager:CancelRotateSecret', secret(HERE)))).toBe(
      false,
    );
  });
});
