/**
 * Reading the CloudFormation template `serverless package` writes: its conditions (fixed when the
 * stack is packaged) applied, the IAM statements each role ends up with, and Fn::Sub evaluated
 * for one Region and a placeholder account.
 */

/** A resource of the template. */
export interface Resource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties?: Record<string, unknown>;
}

/** The parts of a template the tests read. */
export interface Template {
  readonly Conditions?: Record<string, unknown>;
  readonly Resources: Record<string, Resource>;
}

/** One IAM policy statement, as written in the template (intrinsics kept). */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The account id Fn::Sub gets in these tests; the template itself never holds one. */
export const PLACEHOLDER_ACCOUNT = '000011112222';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const onlyKey = (value: Record<string, unknown>): string | undefined => {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
};

const NO_VALUE = Symbol('AWS::NoValue');

/** Evaluates one condition; every operand must be a literal, as settings.cjs makes them. */
const evaluateCondition = (node: unknown, conditions: Record<string, unknown>): boolean => {
  if (!isRecord(node)) throw new Error(`condition ${JSON.stringify(node)} is not a function`);
  const [name] = Object.keys(node);
  const args = node[name ?? ''];
  switch (name) {
    case 'Fn::Equals': {
      const [a, b] = args as unknown[];
      if (typeof a !== 'string' || typeof b !== 'string') {
        throw new Error(`Fn::Equals over ${JSON.stringify(args)}: not fixed at package time`);
      }
      return a === b;
    }
    case 'Fn::Not':
      return !evaluateCondition((args as unknown[])[0], conditions);
    case 'Fn::And':
      return (args as unknown[]).every((item) => evaluateCondition(item, conditions));
    case 'Fn::Or':
      return (args as unknown[]).some((item) => evaluateCondition(item, conditions));
    case 'Condition':
      return evaluateCondition(conditions[String(args)], conditions);
    default:
      throw new Error(`condition function ${name} is not supported here`);
  }
};

/** Every condition of the template, evaluated. */
const evaluateConditions = (template: Template): Record<string, boolean> => {
  const conditions = template.Conditions ?? {};
  return Object.fromEntries(
    Object.entries(conditions).map(([name, node]) => [name, evaluateCondition(node, conditions)]),
  );
};

const applyTo = (node: unknown, values: Record<string, boolean>): unknown => {
  if (Array.isArray(node)) {
    return node.map((item) => applyTo(item, values)).filter((item) => item !== NO_VALUE);
  }
  if (!isRecord(node)) return node;
  const key = onlyKey(node);
  if (key === 'Ref' && node.Ref === 'AWS::NoValue') return NO_VALUE;
  if (key === 'Fn::If') {
    const [name, whenTrue, whenFalse] = node['Fn::If'] as [string, unknown, unknown];
    const value = values[name];
    if (value === undefined) throw new Error(`Fn::If names an unknown condition ${name}`);
    return applyTo(value ? whenTrue : whenFalse, values);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) {
    const applied = applyTo(value, values);
    if (applied !== NO_VALUE) out[name] = applied;
  }
  return out;
};

/**
 * The template as CloudFormation would deploy it: resources whose condition is false dropped,
 * each Fn::If replaced by its branch, AWS::NoValue removed.
 */
export const applyConditions = (template: Template): Template => {
  const values = evaluateConditions(template);
  const resources: Record<string, Resource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined && values[resource.Condition] !== true) continue;
    resources[id] = applyTo(resource, values) as Resource;
  }
  return { ...template, Resources: resources };
};

/**
 * Evaluates Fn::Sub, Ref and Fn::GetAtt for a stack in `region` of the placeholder account;
 * other resources' attributes become `<Id.Attribute>`.
 */
export const substitute = (node: unknown, region: string): unknown => {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': region,
    'AWS::AccountId': PLACEHOLDER_ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'stack',
  };
  if (Array.isArray(node)) return node.map((item) => substitute(item, region));
  if (!isRecord(node)) return node;
  const key = onlyKey(node);
  if (key === 'Fn::Sub' && typeof node['Fn::Sub'] === 'string') {
    return node['Fn::Sub'].replace(
      /\$\{([^}!]+)\}/g,
      (_, name: string) => pseudo[name] ?? `<${name}>`,
    );
  }
  if (key === 'Ref' && typeof node.Ref === 'string') return pseudo[node.Ref] ?? `<${node.Ref}>`;
  if (key === 'Fn::GetAtt') return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, region)]));
};

/** The resources of one type. */
export const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

const statementsIn = (document: unknown): Statement[] => {
  const statement = isRecord(document) ? document.Statement : undefined;
  return (Array.isArray(statement) ? statement : [statement]).filter(
    isRecord,
  ) as unknown as Statement[];
};

/**
 * AWS managed policies a role might attach, with their documents, so a role is judged by what it
 * really grants (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html).
 */
const AWS_MANAGED_POLICIES: Record<string, Statement[]> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole': [
    {
      Effect: 'Allow',
      Action: [
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: '*',
    },
  ],
};

/** A role's identity statements: its inline policies and the managed policies it attaches. */
export const roleStatements = (template: Template, roleId: string): Statement[] => {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  const inline = ((role.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).flatMap(
    (policy) => statementsIn(policy.PolicyDocument),
  );
  const attached = ((role.Properties?.ManagedPolicyArns ?? []) as unknown[]).flatMap((arn) => {
    const managed = typeof arn === 'string' ? AWS_MANAGED_POLICIES[arn] : undefined;
    if (managed !== undefined) return managed;
    const id = isRecord(arn) && typeof arn.Ref === 'string' ? arn.Ref : undefined;
    const policy = id === undefined ? undefined : template.Resources[id];
    if (policy?.Type !== 'AWS::IAM::ManagedPolicy') {
      throw new Error(`${roleId} attaches ${JSON.stringify(arn)}, a policy this test cannot read`);
    }
    return statementsIn(policy.Properties?.PolicyDocument);
  });
  return [...inline, ...attached];
};

/** Every identity statement of the stack: roles' inline policies and managed policies. */
export const identityStatements = (
  template: Template,
): { owner: string; statement: Statement }[] => [
  ...resourcesOf(template, 'AWS::IAM::Role').flatMap(([id, role]) =>
    ((role.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).flatMap((policy) =>
      statementsIn(policy.PolicyDocument).map((statement) => ({ owner: id, statement })),
    ),
  ),
  ...resourcesOf(template, 'AWS::IAM::ManagedPolicy').flatMap(([id, policy]) =>
    statementsIn(policy.Properties?.PolicyDocument).map((statement) => ({ owner: id, statement })),
  ),
];

/** Resource policies of the stack (queue and topic policies). */
export const resourcePolicyStatements = (
  template: Template,
): { owner: string; statement: Statement }[] =>
  [
    ...resourcesOf(template, 'AWS::SQS::QueuePolicy'),
    ...resourcesOf(template, 'AWS::SNS::TopicPolicy'),
  ].flatMap(([id, policy]) =>
    statementsIn(policy.Properties?.PolicyDocument).map((statement) => ({ owner: id, statement })),
  );

/** The logical id of the role a function runs with. */
export const roleOfFunction = (template: Template, functionId: string): string => {
  const role = template.Resources[functionId]?.Properties?.Role;
  const getAtt = isRecord(role) ? role['Fn::GetAtt'] : undefined;
  if (!Array.isArray(getAtt) || typeof getAtt[0] !== 'string') {
    throw new Error(`${functionId} has no role of this stack`);
  }
  return getAtt[0];
};
