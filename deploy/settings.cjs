/**
 * Package-time settings: checks the deployment parameters (serverless.yml `custom.rotasync`, set
 * with `--param` or `params:`) and derives the values serverless.yml variables cannot compute:
 * the VPC block from comma-separated ids, the ARN lists of IAM resources, and the flags the
 * CloudFormation conditions in deploy/conditions.yml compare.
 *
 * osls loads it through `${file(./deploy/settings.cjs)}`: the exported function receives
 * `resolveVariable` and returns the object serverless.yml reads as `custom.deployment`.
 * https://github.com/oss-serverless/serverless/blob/main/docs/guides/variables.md
 * A bad parameter stops `serverless package` and `deploy` before anything is built or sent.
 */
'use strict';

// Secret-name characters, as the functions' own check (shared/replication/config.ts): no `*` or
// `?` (IAM wildcards), no leading `!` (it would negate the ListSecrets name filter).
const SECRET_PREFIX = /^([A-Za-z0-9/_+=.@-][A-Za-z0-9/_+=.@!-]{0,511})?$/;
// A secret-name pattern for IAM: the same characters plus the wildcards `*` and `?`.
const SECRET_PATTERN = /^[A-Za-z0-9/_+=.@!*?-]{1,512}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
// IAM authorizes KMS operations on key ARNs only; an alias ARN in `Resource` grants nothing.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,64}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** A problem with the parameters; osls prints `stack`, so it holds the message alone. */
class DeploymentParameterError extends Error {
  constructor(problems) {
    const message = [
      'Rotasync cannot be packaged, deployed or invoked with these parameters:',
      ...problems.map((problem) => `  - ${problem}`),
      'See "Deploy" in README.md for every parameter.',
    ].join('\n');
    super(message);
    this.name = 'DeploymentParameterError';
    this.stack = message;
  }
}

const text = (value) => (value === undefined || value === null ? '' : String(value).trim());

const list = (value) =>
  text(value)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const flag = (name, value, problems) => {
  const lower = text(value).toLowerCase();
  if (lower === 'true') return true;
  if (lower === '' || lower === 'false') return false;
  problems.push(`${name} must be true or false, not "${text(value)}"`);
  return false;
};

const secretPrefix = (name, value, allowAllSecrets, problems) => {
  const prefix = text(value);
  if (!SECRET_PREFIX.test(prefix)) {
    problems.push(
      `${name} "${prefix}" is not a secret-name prefix (letters, digits, /_+=.@-!, no leading !, no wildcards)`,
    );
  } else if (prefix === '' && !allowAllSecrets) {
    problems.push(
      `${name} is empty: the roles would reach every secret of the account. Give the prefix your ` +
        `secrets share (e.g. --param="${name}=prod/db/"), or pass --param="allowAllSecrets=true" ` +
        'to accept that scope knowingly',
    );
  }
  return prefix;
};

const databaseVpc = (raw, problems) => {
  const subnetIds = list(raw.vpcSubnetIds);
  const securityGroupIds = list(raw.vpcSecurityGroupIds);
  if (subnetIds.length === 0 && securityGroupIds.length === 0) return undefined;
  if (subnetIds.length === 0 || securityGroupIds.length === 0) {
    problems.push('vpcSubnetIds and vpcSecurityGroupIds go together: give both or neither');
  }
  for (const id of subnetIds.filter((item) => !SUBNET_ID.test(item))) {
    problems.push(`vpcSubnetIds holds "${id}", not a subnet id (subnet-…)`);
  }
  for (const id of securityGroupIds.filter((item) => !SECURITY_GROUP_ID.test(item))) {
    problems.push(`vpcSecurityGroupIds holds "${id}", not a security group id (sg-…)`);
  }
  if (subnetIds.length > 16) problems.push('vpcSubnetIds holds more than 16 subnets');
  if (securityGroupIds.length > 5) problems.push('vpcSecurityGroupIds holds more than 5 groups');
  return { subnetIds, securityGroupIds };
};

// ARNs built from ids with the stack's own partition, Region and account (pseudo parameters).
const ec2Arn = (type, id) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${type}/${id}`,
});

const kmsKeyArns = (raw, problems) => {
  const keys = list(raw.kmsKeyArns);
  for (const key of keys.filter((item) => !KMS_KEY_ARN.test(item))) {
    problems.push(
      `kmsKeyArns holds "${key}", not a KMS key ARN (arn:…:kms:<region>:<account>:key/<id>)`,
    );
  }
  // A replica key given as a key ARN is used by the functions, so the roles need it too.
  const replicaKeys = list(raw.replicaKmsKeys)
    .map((entry) => entry.slice(entry.indexOf('=') + 1).trim())
    .filter((key) => KMS_KEY_ARN.test(key));
  return [...new Set([...keys, ...replicaKeys])];
};

const alarmTopic = (raw, region, problems) => {
  const arn = text(raw.alarmTopicArn);
  const email = text(raw.alarmEmail);
  if (arn !== '') {
    const match = SNS_TOPIC_ARN.exec(arn);
    if (match === null) problems.push(`alarmTopicArn "${arn}" is not an SNS topic ARN`);
    // EventBridge rules and CloudWatch alarms notify topics of their own Region only.
    else if (match[1] !== region) {
      problems.push(
        `alarmTopicArn is in ${match[1]}; this stack's alarms need a topic in ${region}`,
      );
    }
    if (email !== '') {
      problems.push(
        'alarmEmail subscribes to the topic the stack makes; with alarmTopicArn, subscribe to that topic yourself',
      );
    }
  }
  if (email !== '' && !EMAIL.test(email))
    problems.push(`alarmEmail "${email}" is not an e-mail address`);
  return arn;
};

/**
 * Checks the raw parameters and derives the deployment settings; throws
 * DeploymentParameterError listing every problem at once.
 */
const deriveSettings = (raw, region) => {
  const problems = [];
  const allowAllSecrets = flag('allowAllSecrets', raw.allowAllSecrets, problems);
  const rotatedSecretPrefix = secretPrefix(
    'rotatedSecretPrefix',
    raw.rotatedSecretPrefix,
    allowAllSecrets,
    problems,
  );
  const replicatedSecretPrefix = secretPrefix(
    'replicatedSecretPrefix',
    raw.replicatedSecretPrefix,
    allowAllSecrets,
    problems,
  );
  const superuserSecretPattern = text(raw.superuserSecretPattern);
  if (!SECRET_PATTERN.test(superuserSecretPattern)) {
    problems.push(
      `superuserSecretPattern "${superuserSecretPattern}" is not a secret-name pattern (letters, digits, /_+=.@-! and * ?)`,
    );
  }
  const replicateDeletes = flag('replicateDeletes', raw.replicateDeletes, problems);
  const vpc = databaseVpc(raw, problems);
  const keys = kmsKeyArns(raw, problems);
  const alarmTopicArn = alarmTopic(raw, region, problems);
  if (problems.length > 0) throw new DeploymentParameterError(problems);
  return {
    rotatedSecretPrefix,
    replicatedSecretPrefix,
    superuserSecretPattern,
    // `false` opts a function out of any VPC (null would read as "no value" to osls).
    databaseVpc: vpc ?? false,
    useDatabaseVpc: String(vpc !== undefined),
    // What CreateNetworkInterface may touch: new interfaces, in these subnets, with these groups.
    networkInterfaceResources: [
      ec2Arn('network-interface', '*'),
      ...(vpc?.subnetIds ?? []).map((id) => ec2Arn('subnet', id)),
      ...(vpc?.securityGroupIds ?? []).map((id) => ec2Arn('security-group', id)),
    ],
    kmsKeyArns: keys,
    useCustomerManagedKeys: String(keys.length > 0),
    replicateDeletes: String(replicateDeletes),
    createAlarmTopic: String(alarmTopicArn === ''),
    alarmTopicArn,
    alarmEmail: text(raw.alarmEmail),
  };
};

/** osls calls this with its variable resolver; the parameters live in `custom.rotasync`. */
const resolveSettings = async ({ resolveVariable }) => {
  const raw = await resolveVariable('self:custom.rotasync');
  const region = await resolveVariable('self:provider.region');
  return deriveSettings(raw ?? {}, text(region));
};

module.exports = resolveSettings;
module.exports.deriveSettings = deriveSettings;
module.exports.DeploymentParameterError = DeploymentParameterError;
