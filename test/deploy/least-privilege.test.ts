/**
 * Least privilege, read from the CloudFormation `serverless package` writes for each stack:
 * no wildcard action anywhere, and no wildcard resource where the action accepts a narrower one.
 *
 * Resource "*" is accepted only for the actions that accept nothing else, per the Service
 * Authorization Reference (an action with no resource type "must specify all resources"):
 * - secretsmanager:ListSecrets, secretsmanager:BatchGetSecretValue (no resource type; the batch
 *   still checks GetSecretValue on each secret, which the roles scope), and
 *   secretsmanager:GetRandomPassword (not used: passwords come from node:crypto):
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 * - cloudwatch:GetMetricData (no resource type; drill reads RDS's replication lag with it):
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
 * - ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets, which Lambda needs to attach a function
 *   to a VPC ("only works if it's allowed on all resources"):
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 *
 * An ARN may name every resource of a type only where the names cannot be known when the stack
 * is packaged: RDS instances, clusters and global clusters (the replica lookup searches the
 * Region's databases by endpoint) and network interfaces (Lambda names them). Every other type
 * is narrowed by name (secrets by prefix, keys by ARN, log groups by function) or, for secrets,
 * by a condition on their tags or rotation function.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  identityStatements,
  resourcePolicyStatements,
  type Statement,
  substitute,
} from './helpers/cloudformation.js';
import { loadStack, type PackagedStack, type StackName } from './helpers/stacks.js';

const ONLY_STAR_ACTIONS = new Set([
  'secretsmanager:ListSecrets',
  'secretsmanager:BatchGetSecretValue',
  'secretsmanager:GetRandomPassword',
  'cloudwatch:GetMetricData',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
]);

const TYPE_WIDE_RESOURCES = [
  /^arn:aws:rds:[^:]*:\d{12}:db:\*$/,
  /^arn:aws:rds:[^:]*:\d{12}:cluster:\*$/,
  /^arn:aws:rds::\d{12}:global-cluster:\*$/,
  /^arn:aws:ec2:[a-z0-9-]+:\d{12}:network-interface\/\*$/,
];

// Conditions that pick secrets by what they are rather than by name.
const NARROWING_CONDITION = /ResourceTag\/|RequestTag\/|AllowRotationLambdaArn/i;

interface Finding {
  readonly owner: string;
  readonly sid: string;
  readonly problem: string;
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).map(String);

const narrowed = (statement: Statement): boolean =>
  Object.values(statement.Condition ?? {}).some((block) =>
    Object.keys(block).some((key) => NARROWING_CONDITION.test(key)),
  );

/** What is wrong with one resource of an Allow statement, if anything. */
const resourceProblem = (resource: string, statement: Statement): string | undefined => {
  const actions = list(statement.Action);
  if (resource === '*') {
    const narrowable = actions.filter((action) => !ONLY_STAR_ACTIONS.has(action));
    return narrowable.length === 0 ? undefined : `Resource "*" for ${narrowable.join(', ')}`;
  }
  // A resource this stack creates (Fn::GetAtt …Arn): exactly one.
  if (/^<\w+\.Arn>$/.test(resource)) return undefined;
  const [arn, partition, service, _region, account, ...rest] = resource.split(':');
  if (arn !== 'arn' || partition === undefined || service === undefined) {
    return `${resource} is not an ARN`;
  }
  if (account === '*') return `${resource} names every account`;
  if (TYPE_WIDE_RESOURCES.some((pattern) => pattern.test(resource))) return undefined;
  const name = rest.join(':').replace(/^[a-z-]+[:/]/, '');
  if (name === '*' && !narrowed(statement)) return `${resource} names every ${service} resource`;
  return undefined;
};

/** Every least-privilege problem of a stack's identity policies. */
const findings = (stack: PackagedStack): Finding[] =>
  identityStatements(stack.template).flatMap(({ owner, statement }) => {
    const sid = statement.Sid ?? '(no Sid)';
    const evaluated = substitute(statement, stack.plan.region) as Statement;
    const wildcardActions = list(evaluated.Action)
      .filter((action) => action.includes('*'))
      .map((action) => ({ owner, sid, problem: `wildcard action ${action}` }));
    const resources =
      evaluated.Effect === 'Allow'
        ? list(evaluated.Resource).flatMap((resource) => {
            const problem = resourceProblem(resource, evaluated);
            return problem === undefined ? [] : [{ owner, sid, problem }];
          })
        : [];
    return [...wildcardActions, ...resources];
  });

const stacks = {} as Record<StackName, PackagedStack>;
beforeAll(async () => {
  for (const name of ['primary', 'recovery', 'open'] as const) stacks[name] = await loadStack(name);
});

describe('least privilege of the packaged stacks', () => {
  it.each(['primary', 'recovery'] as const)(
    '%s: no wildcard action, and "*" only where the action accepts nothing narrower',
    (name) => {
      // Act
      const found = findings(stacks[name]);
      // Assess
      expect(found).toEqual([]);
    },
  );

  it('reports exactly the reads that allowAllSecrets=true accepts, so the check can fail', () => {
    // Act: the open stack has no secret prefixes.
    const found = findings(stacks.open);
    // Assess: every secret of the Region is readable by the two replication roles, and writes
    // stay narrowed by tags, rotation by the rotation-function condition.
    expect(found).toEqual([
      expect.objectContaining({ owner: 'ReplicateRole', sid: 'ReadSources' }),
      expect.objectContaining({ owner: 'ReplicateRole', sid: 'DescribeReplicas' }),
      expect.objectContaining({ owner: 'ReconcileRole', sid: 'ReadSources' }),
      expect.objectContaining({ owner: 'ReconcileRole', sid: 'ReadReplicas' }),
      expect.objectContaining({ owner: 'DrillRole', sid: 'ReadReplicasAndSources' }),
      expect.objectContaining({ owner: 'FailoverRole', sid: 'ReadSecretsHere' }),
      expect.objectContaining({ owner: 'FailoverRole', sid: 'ReadSourceSchedules' }),
      expect.objectContaining({ owner: 'FailbackRole', sid: 'ReadPromotedSecrets' }),
      expect.objectContaining({ owner: 'FailbackRole', sid: 'DescribeOldSecrets' }),
    ]);
    for (const finding of found) {
      expect(finding.problem).toMatch(/:secret:\* names every secretsmanager resource$/);
    }
  });

  it.each(['primary', 'recovery', 'open'] as const)(
    '%s: attaches no AWS managed policy (their resources are "*")',
    (name) => {
      // Assess
      expect(stacks[name].text).not.toMatch(/arn:aws:iam::aws:policy/);
    },
  );

  it.each(['primary', 'recovery', 'open'] as const)(
    '%s: resource policies admit only AWS services acting for this stack',
    (name) => {
      // Act
      const statements = resourcePolicyStatements(stacks[name].template);
      // Assess
      expect(statements.length).toBeGreaterThan(0);
      for (const { statement } of statements) {
        expect(statement.Principal).toEqual({
          Service: expect.stringMatching(/\.amazonaws\.com$/),
        });
        const keys = Object.values(statement.Condition ?? {}).flatMap((block) =>
          Object.keys(block),
        );
        expect(keys.some((key) => /^aws:Source(Arn|Account)$/.test(key))).toBe(true);
      }
    },
  );
});
