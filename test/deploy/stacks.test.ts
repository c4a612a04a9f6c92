/**
 * Each Region's stack as `serverless package` writes it (deploy/stacks.example.yml's primary and
 * recovery Regions, and an "open" stack without secret prefixes): functions, events, schedules,
 * alarms, VPC settings and roles as configured, checked in the template CloudFormation would
 * deploy; the roles are checked by asking an IAM evaluator about concrete calls.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PLACEHOLDER_ACCOUNT,
  type Resource,
  resourcesOf,
  roleOfFunction,
  roleStatements,
  type Statement,
  substitute,
} from './helpers/cloudformation.js';
import { type IamRequest, isAllowed } from './helpers/iam.js';
import {
  loadStack,
  PACKAGING_SECRET_ACCESS_KEY,
  type PackagedStack,
  type StackName,
} from './helpers/stacks.js';

const NAMES = ['primary', 'recovery', 'open'] as const;
const FUNCTIONS = {
  rotate: 'RotateLambdaFunction',
  replicate: 'ReplicateLambdaFunction',
  reconcile: 'ReconcileLambdaFunction',
  drill: 'DrillLambdaFunction',
  failover: 'FailoverLambdaFunction',
  failback: 'FailbackLambdaFunction',
} as const;
type FunctionKey = keyof typeof FUNCTIONS;

const stacks = {} as Record<StackName, PackagedStack>;
beforeAll(async () => {
  for (const name of NAMES) stacks[name] = await loadStack(name);
});

const resource = (stack: PackagedStack, id: string): Resource => {
  const found = stack.template.Resources[id];
  if (found === undefined) throw new Error(`${stack.name} has no ${id}`);
  return found;
};
const propertiesOf = (stack: PackagedStack, id: string): Record<string, unknown> =>
  resource(stack, id).Properties ?? {};

/** The statements a function's role ends up with, intrinsics evaluated for its Region. */
const policyOf = (stack: PackagedStack, key: FunctionKey): Statement[] =>
  substitute(
    roleStatements(stack.template, roleOfFunction(stack.template, FUNCTIONS[key])),
    stack.plan.region,
  ) as Statement[];

const may = (stack: PackagedStack, key: FunctionKey, request: IamRequest): boolean =>
  isAllowed(policyOf(stack, key), request);

const secretArn = (region: string, name: string): string =>
  `arn:aws:secretsmanager:${region}:${PLACEHOLDER_ACCOUNT}:secret:${name}-AbCdEf`;
const rotateFunctionArn = (stack: PackagedStack): string =>
  `arn:aws:lambda:${stack.plan.region}:${PLACEHOLDER_ACCOUNT}:function:rotasync-${stack.plan.stage}-rotate`;
const otherRegion = (stack: PackagedStack): string =>
  stack.plan.region === 'us-west-2' ? 'us-east-1' : 'us-west-2';

describe('functions: every Region gets every function', () => {
  it.each(NAMES)(
    '%s: rotate, replicate, reconcile, drill, failover and failback on nodejs22.x, arm64, each with its own role',
    (name) => {
      // Prepare
      const stack = stacks[name];
      // Act
      const functions = resourcesOf(stack.template, 'AWS::Lambda::Function').map(([id, fn]) => ({
        id,
        name: fn.Properties?.FunctionName,
        runtime: fn.Properties?.Runtime,
        architectures: fn.Properties?.Architectures,
        role: roleOfFunction(stack.template, id),
      }));
      // Assess
      expect(functions).toEqual(
        (Object.entries(FUNCTIONS) as [FunctionKey, string][]).map(([key, id]) => ({
          id,
          name: `rotasync-${stack.plan.stage}-${key}`,
          runtime: 'nodejs22.x',
          architectures: ['arm64'],
          role: `${key[0]?.toUpperCase()}${key.slice(1)}Role`,
        })),
      );
    },
  );

  it('gives each Region its own replica Regions and the metrics namespace', () => {
    // Act
    const environment = (stack: PackagedStack, key: FunctionKey) =>
      (propertiesOf(stack, FUNCTIONS[key]).Environment as { Variables: Record<string, string> })
        .Variables;
    // Assess
    expect(environment(stacks.primary, 'replicate')).toMatchObject({
      ROTASYNC_REPLICA_REGIONS: 'us-west-2',
      ROTASYNC_REPLICATED_SECRET_PREFIX: 'example/db/',
      POWERTOOLS_METRICS_NAMESPACE: 'Rotasync',
      POWERTOOLS_SERVICE_NAME: 'rotasync',
    });
    expect(environment(stacks.recovery, 'reconcile')).toMatchObject({
      ROTASYNC_REPLICA_REGIONS: 'us-east-1',
      ROTASYNC_REPLICATE_DELETES: 'false',
    });
    expect(environment(stacks.open, 'replicate')).toMatchObject({
      ROTASYNC_REPLICATE_DELETES: 'true',
      ROTASYNC_REPLICATED_SECRET_PREFIX: '',
    });
  });
});

describe('events and schedules', () => {
  it.each(NAMES)(
    '%s: replicate on the three Secrets Manager rules, dead-lettered; reconcile hourly',
    (name) => {
      // Prepare
      const stack = stacks[name];
      const rules = resourcesOf(stack.template, 'AWS::Events::Rule').map(
        ([, rule]) => rule.Properties ?? {},
      );
      const targeting = (fn: string) =>
        rules.filter((rule) =>
          (rule.Targets as { Arn: unknown }[]).some(
            (target) =>
              JSON.stringify(target.Arn) === JSON.stringify({ 'Fn::GetAtt': [fn, 'Arn'] }),
          ),
        );
      // Act
      const replicate = targeting(FUNCTIONS.replicate);
      const reconcile = targeting(FUNCTIONS.reconcile);
      // Assess
      expect(
        replicate.map((rule) => (rule.EventPattern as { 'detail-type': string[] })['detail-type']),
      ).toEqual([
        ['Secret Label Updated'],
        ['AWS API Call via CloudTrail'],
        ['AWS Service Event via CloudTrail'],
      ]);
      for (const rule of replicate) {
        expect(rule.State).toBe('ENABLED');
        expect(rule.Targets).toEqual([
          expect.objectContaining({
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ReplicateDeadLetterQueue', 'Arn'] } },
          }),
        ]);
      }
      expect(reconcile).toEqual([
        expect.objectContaining({
          ScheduleExpression: 'rate(1 hour)',
          State: 'ENABLED',
          Targets: [expect.objectContaining({ Input: '{"dryRun":false}' })],
        }),
      ]);
      expect(propertiesOf(stack, 'ReplicateLambdaEvConf')).toMatchObject({
        MaximumRetryAttempts: 2,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': ['ReplicateDeadLetterQueue', 'Arn'] } },
        },
      });
    },
  );

  it('lets only Secrets Manager of this account invoke rotate', () => {
    // Assess
    expect(propertiesOf(stacks.primary, 'RotateInvokePermission')).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['RotateLambdaFunction', 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });
});

describe('where alarms go', () => {
  const ALARMS = [
    'RotateErrorsAlarm',
    'ReplicateErrorsAlarm',
    'ReconcileErrorsAlarm',
    'ReconcileFailedAlarm',
    'ReplicateDeadLetterAlarm',
    'DrillErrorsAlarm',
    'FailoverErrorsAlarm',
    'FailbackErrorsAlarm',
  ];
  const topicOf = (stack: PackagedStack): unknown =>
    stack.name === 'primary' ? { Ref: 'AlarmTopic' } : stack.plan.params.alarmTopicArn;

  it.each(NAMES)(
    "%s: rotation failures, function errors and dead letters notify the Region's topic",
    (name) => {
      // Prepare
      const stack = stacks[name];
      // Act
      const rule = propertiesOf(stack, 'RotationProblemsRule');
      const alarms = resourcesOf(stack.template, 'AWS::CloudWatch::Alarm');
      // Assess
      expect(rule.EventPattern).toEqual({
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed', 'RotationAbandoned'],
        },
      });
      expect(rule.Targets).toEqual([{ Id: 'alarm-topic', Arn: topicOf(stack) }]);
      expect(alarms.map(([id]) => id).sort()).toEqual([...ALARMS].sort());
      for (const [, alarm] of alarms)
        expect(alarm.Properties?.AlarmActions).toEqual([topicOf(stack)]);
      const errors = alarms.filter(([, alarm]) => alarm.Properties?.MetricName === 'Errors');
      expect(errors.map(([, alarm]) => alarm.Properties?.Dimensions)).toEqual(
        Object.values(FUNCTIONS).map((id) => [{ Name: 'FunctionName', Value: { Ref: id } }]),
      );
    },
  );

  it('makes its own topic, with the e-mail subscription, only when no topic is given', () => {
    // Act
    const topics = NAMES.map(
      (name) => resourcesOf(stacks[name].template, 'AWS::SNS::Topic').length,
    );
    const subscriptions = resourcesOf(stacks.primary.template, 'AWS::SNS::Subscription');
    // Assess
    expect(topics).toEqual([1, 0, 0]);
    expect(subscriptions.map(([, subscription]) => subscription.Properties)).toEqual([
      { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: 'oncall@example.com' },
    ]);
  });
});

describe('VPC', () => {
  it.each(['primary', 'recovery'] as const)(
    '%s: rotate, drill and failover run in the configured subnets and groups; the others do not',
    (name) => {
      // Prepare
      const stack = stacks[name];
      const split = (value: string | undefined) => (value ?? '').split(',');
      // Act
      const configs = Object.values(FUNCTIONS).map((id) => propertiesOf(stack, id).VpcConfig);
      // Assess
      const vpc = {
        SubnetIds: split(stack.plan.params.vpcSubnetIds),
        SecurityGroupIds: split(stack.plan.params.vpcSecurityGroupIds),
      };
      // rotate, replicate, reconcile, drill, failover, failback: those that log in to databases.
      expect(configs).toEqual([vpc, undefined, undefined, vpc, vpc, undefined]);
    },
  );

  it("lets rotate's role make network interfaces only in the configured subnets and groups", () => {
    // Prepare
    const stack = stacks.primary;
    const ec2 = (type: string, id: string) =>
      `arn:aws:ec2:us-east-1:${PLACEHOLDER_ACCOUNT}:${type}/${id}`;
    const create = (arn: string) => ({ action: 'ec2:CreateNetworkInterface', resource: arn });
    // Act & Assess: CreateNetworkInterface is authorized on the interface, subnet and group.
    expect(propertiesOf(stack, 'RotateRole').ManagedPolicyArns).toEqual([
      { Ref: 'DatabaseVpcAccess' },
    ]);
    expect(may(stack, 'rotate', create(ec2('network-interface', 'eni-0123')))).toBe(true);
    expect(may(stack, 'rotate', create(ec2('subnet', 'subnet-0123456789abcdef0')))).toBe(true);
    expect(may(stack, 'rotate', create(ec2('security-group', 'sg-0123456789abcdef0')))).toBe(true);
    expect(may(stack, 'rotate', create(ec2('subnet', 'subnet-0999999999999999f')))).toBe(false);
    expect(may(stack, 'rotate', create(ec2('security-group', 'sg-0999999999999999f')))).toBe(false);
    expect(
      may(stack, 'rotate', {
        action: 'ec2:DeleteNetworkInterface',
        resource: ec2('network-interface', 'eni-0123'),
      }),
    ).toBe(true);
    expect(may(stack, 'rotate', { action: 'logs:CreateLogGroup', resource: '*' })).toBe(false);
    expect(may(stack, 'replicate', create(ec2('subnet', 'subnet-0123456789abcdef0')))).toBe(false);
  });

  it('without VPC parameters: no VPC, no network permission', () => {
    // Prepare
    const stack = stacks.open;
    // Act
    const configs = Object.values(FUNCTIONS).map((id) => propertiesOf(stack, id).VpcConfig);
    // Assess
    expect(configs).toEqual(Object.values(FUNCTIONS).map(() => undefined));
    expect(stack.template.Resources.DatabaseVpcAccess).toBeUndefined();
    expect(propertiesOf(stack, 'RotateRole').ManagedPolicyArns).toBeUndefined();
    expect(JSON.stringify(policyOf(stack, 'rotate'))).not.toContain('ec2:');
  });
});

describe('the rotate role', () => {
  const rotation = (
    stack: PackagedStack,
    action: string,
    options: { name?: string; region?: string; rotationFunction?: string } = {},
  ): IamRequest => {
    const region = options.region ?? stack.plan.region;
    return {
      action,
      resource: secretArn(region, options.name ?? 'example/db/orders'),
      context: {
        'aws:RequestedRegion': region,
        ...(options.rotationFunction === ''
          ? {}
          : {
              'secretsmanager:resource/AllowRotationLambdaArn':
                options.rotationFunction ?? rotateFunctionArn(stack),
            }),
      },
    };
  };
  const STEPS = [
    'secretsmanager:DescribeSecret',
    'secretsmanager:GetSecretValue',
    'secretsmanager:PutSecretValue',
    'secretsmanager:UpdateSecretVersionStage',
  ];

  it.each(['primary', 'recovery'] as const)(
    '%s: may run the four steps on a secret it rotates',
    (name) => {
      // Prepare
      const stack = stacks[name];
      // Act
      const allowed = STEPS.map((action) => may(stack, 'rotate', rotation(stack, action)));
      // Assess
      expect(allowed).toEqual([true, true, true, true]);
    },
  );

  it('may not touch a secret under the prefix whose rotation function is another, or none', () => {
    // Prepare
    const stack = stacks.primary;
    const other = `arn:aws:lambda:us-east-1:${PLACEHOLDER_ACCOUNT}:function:someone-elses-rotation`;
    // Act
    const allowed = STEPS.flatMap((action) => [
      may(stack, 'rotate', rotation(stack, action, { rotationFunction: other })),
      may(stack, 'rotate', rotation(stack, action, { rotationFunction: '' })),
    ]);
    // Assess
    expect(allowed.filter(Boolean)).toEqual([]);
  });

  it('may not touch a secret outside the prefix or in another Region', () => {
    // Prepare
    const stack = stacks.primary;
    // Act
    const allowed = STEPS.flatMap((action) => [
      may(stack, 'rotate', rotation(stack, action, { name: 'payroll/db/app' })),
      may(stack, 'rotate', rotation(stack, action, { region: 'us-west-2' })),
    ]);
    // Assess
    expect(allowed.filter(Boolean)).toEqual([]);
  });

  it('without a prefix (allowAllSecrets) is still held to the secrets it rotates', () => {
    // Prepare
    const stack = stacks.open;
    // Act & Assess
    expect(
      may(stack, 'rotate', rotation(stack, 'secretsmanager:PutSecretValue', { name: 'anything' })),
    ).toBe(true);
    expect(
      may(
        stack,
        'rotate',
        rotation(stack, 'secretsmanager:PutSecretValue', {
          name: 'anything',
          rotationFunction: '',
        }),
      ),
    ).toBe(false);
  });

  it('only reads the superuser secrets matching its pattern', () => {
    // Prepare
    const stack = stacks.primary;
    const admin = secretArn('us-east-1', 'example/db-admin/orders');
    // Act & Assess
    expect(may(stack, 'rotate', { action: 'secretsmanager:GetSecretValue', resource: admin })).toBe(
      true,
    );
    expect(may(stack, 'rotate', { action: 'secretsmanager:DescribeSecret', resource: admin })).toBe(
      true,
    );
    expect(may(stack, 'rotate', { action: 'secretsmanager:PutSecretValue', resource: admin })).toBe(
      false,
    );
    expect(
      may(stack, 'rotate', {
        action: 'secretsmanager:GetSecretValue',
        resource: secretArn('us-east-1', 'rotasync-superuser/x'),
      }),
    ).toBe(false);
  });

  it('describes RDS databases of its own Region only', () => {
    // Prepare
    const stack = stacks.primary;
    const db = (region: string) => `arn:aws:rds:${region}:${PLACEHOLDER_ACCOUNT}:db:orders`;
    // Act & Assess
    expect(
      may(stack, 'rotate', { action: 'rds:DescribeDBInstances', resource: db('us-east-1') }),
    ).toBe(true);
    expect(
      may(stack, 'rotate', { action: 'rds:DescribeDBInstances', resource: db('us-west-2') }),
    ).toBe(false);
    expect(
      may(stack, 'rotate', { action: 'rds:ModifyDBInstance', resource: db('us-east-1') }),
    ).toBe(false);
  });
});

describe('the replicate and reconcile roles', () => {
  const WRITES = [
    'secretsmanager:PutSecretValue',
    'secretsmanager:UpdateSecretVersionStage',
    'secretsmanager:TagResource',
  ];
  /** A call on the same-named secret in `region`, tagged (or not) as the replica of `source`. */
  const onReplica = (
    action: string,
    region: string,
    source?: string,
    name = 'example/db/orders',
  ): IamRequest => ({
    action,
    resource: secretArn(region, name),
    context: {
      'aws:RequestedRegion': region,
      ...(source === undefined ? {} : { 'aws:ResourceTag/rotasync:source-arn': source }),
    },
  });
  const create = (region: string, source?: string, name = 'example/db/orders'): IamRequest[] =>
    ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'].map((action) => ({
      action,
      resource: secretArn(region, name),
      context: {
        'aws:RequestedRegion': region,
        ...(source === undefined ? {} : { 'aws:RequestTag/rotasync:source-arn': source }),
      },
    }));

  it.each([
    ['primary', 'replicate'],
    ['primary', 'reconcile'],
    ['recovery', 'replicate'],
    ['recovery', 'reconcile'],
  ] as const)(
    '%s %s: creates a replica elsewhere only tagged with a source of its Region',
    (name, key) => {
      // Prepare
      const stack = stacks[name];
      const here = stack.plan.region;
      const there = otherRegion(stack);
      const source = secretArn(here, 'example/db/orders');
      // Act & Assess
      expect(create(there, source).map((request) => may(stack, key, request))).toEqual([
        true,
        true,
      ]);
      expect(create(there).map((request) => may(stack, key, request))).toEqual([false, false]);
      expect(
        create(there, secretArn(there, 'example/db/orders')).some((r) => may(stack, key, r)),
      ).toBe(false);
      expect(create(there, source, 'payroll/orders').some((r) => may(stack, key, r))).toBe(false);
      // Never in its own Region: replicas of this Region's sources live elsewhere.
      expect(create(here, source).some((r) => may(stack, key, r))).toBe(false);
    },
  );

  it.each([
    ['primary', 'replicate'],
    ['primary', 'reconcile'],
    ['recovery', 'replicate'],
    ['recovery', 'reconcile'],
  ] as const)('%s %s: writes only its own replicas, never in its own Region', (name, key) => {
    // Prepare
    const stack = stacks[name];
    const here = stack.plan.region;
    const there = otherRegion(stack);
    const source = secretArn(here, 'example/db/orders');
    // Act
    const ours = WRITES.map((action) => may(stack, key, onReplica(action, there, source)));
    const refused = WRITES.flatMap((action) => [
      may(stack, key, onReplica(action, there)),
      may(stack, key, onReplica(action, there, secretArn(there, 'example/db/orders'))),
      may(stack, key, onReplica(action, here, source)),
      may(stack, key, onReplica(action, here)),
    ]);
    // Assess
    expect(ours).toEqual([true, true, true]);
    expect(refused.filter(Boolean)).toEqual([]);
  });

  it.each(['replicate', 'reconcile'] as const)(
    '%s may delete a replica only when deletions are replicated, and only its own',
    (key) => {
      // Prepare
      const remove = (stack: PackagedStack, source?: string) =>
        may(stack, key, onReplica('secretsmanager:DeleteSecret', otherRegion(stack), source));
      // Act & Assess: the primary stack keeps replicateDeletes=false.
      expect(remove(stacks.primary, secretArn('us-east-1', 'example/db/orders'))).toBe(false);
      expect(remove(stacks.open, secretArn('eu-west-1', 'anything'))).toBe(true);
      expect(remove(stacks.open)).toBe(false);
      expect(
        may(
          stacks.open,
          key,
          onReplica('secretsmanager:DeleteSecret', 'eu-west-1', secretArn('eu-west-1', 'x')),
        ),
      ).toBe(false);
    },
  );

  it('reads sources in its own Region; only reconcile reads replica values elsewhere', () => {
    // Prepare
    const stack = stacks.primary;
    const read = (region: string) => ({
      action: 'secretsmanager:GetSecretValue',
      resource: secretArn(region, 'example/db/orders'),
      context: { 'aws:RequestedRegion': region },
    });
    // Act & Assess
    expect(may(stack, 'replicate', read('us-east-1'))).toBe(true);
    expect(may(stack, 'replicate', read('us-west-2'))).toBe(false);
    expect(may(stack, 'reconcile', read('us-west-2'))).toBe(true);
    expect(
      may(stack, 'reconcile', {
        ...read('us-east-1'),
        resource: secretArn('us-east-1', 'payroll/x'),
      }),
    ).toBe(false);
    expect(may(stack, 'reconcile', { action: 'secretsmanager:ListSecrets', resource: '*' })).toBe(
      true,
    );
    expect(may(stack, 'replicate', { action: 'secretsmanager:ListSecrets', resource: '*' })).toBe(
      false,
    );
  });
});

describe('a sweep longer than one invocation', () => {
  const functionArn = (stack: PackagedStack, key: string) =>
    `arn:aws:lambda:${stack.plan.region}:${PLACEHOLDER_ACCOUNT}:function:rotasync-${stack.plan.stage}-${key}`;

  it.each(NAMES)('%s: reconcile may invoke itself, and no other function', (name) => {
    // Prepare
    const stack = stacks[name];
    const invoke = (resource: string) => ({ action: 'lambda:InvokeFunction', resource });
    // Act & Assess
    expect(may(stack, 'reconcile', invoke(functionArn(stack, 'reconcile')))).toBe(true);
    expect(may(stack, 'reconcile', invoke(functionArn(stack, 'replicate')))).toBe(false);
    expect(may(stack, 'reconcile', invoke(rotateFunctionArn(stack)))).toBe(false);
    expect(may(stack, 'replicate', invoke(functionArn(stack, 'reconcile')))).toBe(false);
  });

  it.each(NAMES)('%s: one sweep runs at a time (reserved concurrency 1)', (name) => {
    // Act
    const reserved = propertiesOf(stacks[name], FUNCTIONS.reconcile).ReservedConcurrentExecutions;
    // Assess
    expect(reserved).toBe(1);
  });
});

describe('customer managed KMS keys', () => {
  const KEY = 'arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';
  const decrypt = (via?: string, key = KEY): IamRequest => ({
    action: 'kms:Decrypt',
    resource: key,
    context: via === undefined ? {} : { 'kms:ViaService': via },
  });

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])(
    '%s may use the configured keys through Secrets Manager only',
    (key) => {
      // Prepare
      const stack = stacks.recovery;
      // Act & Assess
      expect(may(stack, key, decrypt('secretsmanager.us-west-2.amazonaws.com'))).toBe(true);
      // Only the functions that write secrets encrypt (drill and failover only read values).
      expect(
        may(stack, key, {
          ...decrypt('secretsmanager.us-west-2.amazonaws.com'),
          action: 'kms:GenerateDataKey',
        }),
      ).toBe(key !== 'drill' && key !== 'failover');
      expect(may(stack, key, decrypt('s3.us-west-2.amazonaws.com'))).toBe(false);
      expect(may(stack, key, decrypt())).toBe(false);
      expect(
        may(
          stack,
          key,
          decrypt('secretsmanager.us-west-2.amazonaws.com', KEY.replace('0987dcba', '11111111')),
        ),
      ).toBe(false);
    },
  );

  it('without kmsKeyArns no role may use any key', () => {
    // Act
    const text = JSON.stringify(
      Object.keys(FUNCTIONS).map((key) => policyOf(stacks.open, key as FunctionKey)),
    );
    // Assess
    expect(text).not.toContain('kms:');
  });
});

describe('the dashboard', () => {
  // The metrics contract: name, and dimensions besides `service` (docs: CONTRACTS, "Metrics").
  const CONTRACT: Record<string, string[]> = {
    RotationStepDuration: ['Outcome', 'Step'],
    RotationStepFailed: ['Step'],
    RotationSucceeded: [],
    ReplicationLag: ['Region'],
    ReplicationFailed: ['Region'],
    ReconcileDrift: [],
    ReconcileRepaired: [],
    ReconcileFailed: [],
    DrillProblems: ['Region'],
  };

  it.each(NAMES)(
    '%s: draws every contract metric, with its dimensions, and nothing else of Rotasync',
    (name) => {
      // Prepare
      const stack = stacks[name];
      const body = JSON.parse(
        substitute(propertiesOf(stack, 'Dashboard').DashboardBody, stack.plan.region) as string,
      ) as { widgets: { properties: { metrics?: unknown[][]; region?: string } }[] };
      // Act: plain metrics, and SEARCH expressions' schema and metric name.
      const seen = new Map<string, string[]>();
      for (const widget of body.widgets) {
        for (const row of widget.properties.metrics ?? []) {
          const [first] = row;
          if (typeof first === 'object' && first !== null && 'expression' in first) {
            const search =
              /^SEARCH\('\{Rotasync,([^}]*)\} MetricName="(\w+)" service="rotasync"'/.exec(
                String((first as { expression: string }).expression),
              );
            if (search?.[1] !== undefined && search[2] !== undefined) {
              seen.set(
                search[2],
                search[1]
                  .split(',')
                  .filter((dim) => dim !== 'service')
                  .sort(),
              );
            }
          } else if (first === 'Rotasync') {
            const pairs = row.slice(2).filter((item) => typeof item === 'string') as string[];
            const dims = pairs.filter((_, index) => index % 2 === 0);
            expect(pairs[dims.indexOf('service') * 2 + 1]).toBe('rotasync');
            seen.set(String(row[1]), dims.filter((dim) => dim !== 'service').sort());
          }
        }
        if (widget.properties.region !== undefined)
          expect(widget.properties.region).toBe(stack.plan.region);
      }
      // Assess
      expect(Object.fromEntries(seen)).toEqual(CONTRACT);
      // Dashboards are global to the account: the name says the stack and its Region.
      expect(substitute(propertiesOf(stack, 'Dashboard').DashboardName, stack.plan.region)).toBe(
        `stack-${stack.plan.region}`,
      );
    },
  );
});

describe('nothing account-specific, nothing secret', () => {
  /** The packaged text without the values the stack was given as parameters. */
  const withoutParameters = (stack: PackagedStack): string => {
    const given = Object.values(stack.plan.params)
      .flatMap((value) => [value, ...value.split(',').map((part) => part.trim())])
      .filter((value) => value.length > 0)
      .sort((a, b) => b.length - a.length);
    return given.reduce((text, value) => text.split(value).join('<param>'), stack.templateText);
  };

  it.each(NAMES)(
    '%s: no account id, partition or Region written where a pseudo parameter belongs',
    (name) => {
      // Prepare
      const text = withoutParameters(stacks[name]);
      // Act
      const accountIds = text.match(/(?<![A-Za-z0-9])\d{12}(?![A-Za-z0-9])/g) ?? [];
      const arns = text.match(/arn:aws[a-z-]*:[^"]*/g) ?? [];
      const regions = text.match(/\b(us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d\b/g) ?? [];
      // Assess: only the values a stack is given name accounts, partitions and Regions.
      expect({ accountIds, arns, regions }).toEqual({ accountIds: [], arns: [], regions: [] });
    },
  );

  it.each(NAMES)('%s: no secret value, and not the credentials it was packaged with', (name) => {
    // Prepare
    const stack = stacks[name];
    const keys: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          keys.push(key);
          walk(value);
        }
      }
    };
    // Act
    walk(stack.raw);
    // Assess
    expect(stack.text).not.toContain(PACKAGING_SECRET_ACCESS_KEY);
    expect(resourcesOf(stack.template, 'AWS::SecretsManager::Secret')).toEqual([]);
    expect(
      keys.filter((key) => /^(SecretString|SecretBinary|password|MasterUserPassword)$/i.test(key)),
    ).toEqual([]);
  });
});
