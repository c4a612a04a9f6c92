/**
 * deploy/settings.cjs: the deployment parameters are checked, and what serverless.yml cannot
 * compute is derived, before anything is packaged.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Raw = Record<string, string>;
interface Settings {
  readonly rotatedSecretPrefix: string;
  readonly replicatedSecretPrefix: string;
  readonly databaseVpc: false | { subnetIds: string[]; securityGroupIds: string[] };
  readonly useDatabaseVpc: string;
  readonly networkInterfaceResources: { 'Fn::Sub': string }[];
  readonly kmsKeyArns: string[];
  readonly useCustomerManagedKeys: string;
  readonly replicateDeletes: string;
  readonly createAlarmTopic: string;
}
const { deriveSettings } = createRequire(import.meta.url)('#deploy/settings.cjs') as {
  deriveSettings: (raw: Raw, region: string) => Settings;
};

const REGION = 'us-east-1';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const base: Raw = {
  rotatedSecretPrefix: 'prod/db/',
  replicatedSecretPrefix: 'prod/db/',
  superuserSecretPattern: 'rotasync-superuser/*',
  allowAllSecrets: 'false',
  replicateDeletes: 'false',
};
const derive = (changes: Raw = {}): Settings => deriveSettings({ ...base, ...changes }, REGION);

describe('deploy/settings.cjs', () => {
  it.each(['rotatedSecretPrefix', 'replicatedSecretPrefix'])(
    'refuses an empty %s, naming it and the explicit way out',
    (name) => {
      // Act
      const run = () => derive({ [name]: '' });
      // Assess
      expect(run).toThrow(`${name} is empty`);
      expect(run).toThrow('allowAllSecrets=true');
    },
  );

  it('accepts empty prefixes when allowAllSecrets=true says so', () => {
    // Act
    const settings = derive({
      rotatedSecretPrefix: '',
      replicatedSecretPrefix: '',
      allowAllSecrets: 'true',
    });
    // Assess
    expect(settings).toMatchObject({ rotatedSecretPrefix: '', replicatedSecretPrefix: '' });
  });

  it.each(['prod/*', 'prod/?b', '!prod/', 'prod db', `pr\${AWS::Region}`])(
    'refuses the prefix "%s": IAM wildcards, a negation or characters no secret name has',
    (prefix) => {
      // Act & Assess
      expect(() => derive({ rotatedSecretPrefix: prefix })).toThrow('is not a secret-name prefix');
    },
  );

  it('builds the VPC block and the network-interface resources from comma-separated ids', () => {
    // Act
    const settings = derive({
      vpcSubnetIds: 'subnet-0123456789abcdef0, subnet-0fedcba9876543210',
      vpcSecurityGroupIds: 'sg-0123456789abcdef0',
    });
    // Assess
    expect(settings.databaseVpc).toEqual({
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      securityGroupIds: ['sg-0123456789abcdef0'],
    });
    expect(settings.useDatabaseVpc).toBe('true');
    expect(
      settings.networkInterfaceResources.map((arn) => arn['Fn::Sub'].split(':').pop()),
    ).toEqual([
      'network-interface/*',
      'subnet/subnet-0123456789abcdef0',
      'subnet/subnet-0fedcba9876543210',
      'security-group/sg-0123456789abcdef0',
    ]);
  });

  it('without VPC ids: no VPC (false, which opts a function out) and no VPC permission', () => {
    // Act
    const settings = derive();
    // Assess
    expect(settings.databaseVpc).toBe(false);
    expect(settings.useDatabaseVpc).toBe('false');
  });

  it.each([
    [{ vpcSubnetIds: 'subnet-0123456789abcdef0' }, 'give both or neither'],
    [
      { vpcSubnetIds: 'subnet-xyz', vpcSecurityGroupIds: 'sg-0123456789abcdef0' },
      'not a subnet id',
    ],
    [
      { vpcSubnetIds: 'subnet-0123456789abcdef0', vpcSecurityGroupIds: 'default' },
      'not a security group id',
    ],
  ])('refuses VPC parameters %j', (changes, message) => {
    // Act & Assess
    expect(() => derive(changes)).toThrow(message);
  });

  it('takes key ARNs from kmsKeyArns and replicaKmsKeys, and refuses an alias', () => {
    // Prepare
    const replicaKey =
      'arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';
    // Act
    const settings = derive({
      kmsKeyArns: KEY,
      replicaKmsKeys: `us-west-2=${replicaKey},eu-west-1=alias/dr`,
    });
    // Assess
    expect(settings.kmsKeyArns).toEqual([KEY, replicaKey]);
    expect(settings.useCustomerManagedKeys).toBe('true');
    expect(() =>
      derive({ kmsKeyArns: 'arn:aws:kms:us-east-1:111122223333:alias/secrets' }),
    ).toThrow('not a KMS key ARN');
    expect(derive().useCustomerManagedKeys).toBe('false');
  });

  it("wants the alarm topic in the stack's Region, and an e-mail only for its own topic", () => {
    // Act & Assess
    expect(
      derive({ alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:oncall' }).createAlarmTopic,
    ).toBe('false');
    expect(() => derive({ alarmTopicArn: 'arn:aws:sns:us-west-2:111122223333:oncall' })).toThrow(
      "this stack's alarms need a topic in us-east-1",
    );
    expect(() =>
      derive({
        alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:oncall',
        alarmEmail: 'a@example.com',
      }),
    ).toThrow('subscribe to that topic yourself');
    expect(() => derive({ alarmEmail: 'not-an-address' })).toThrow('is not an e-mail address');
  });

  it('reads replicateDeletes as the functions do, and refuses anything but true or false', () => {
    // Act & Assess
    expect(derive({ replicateDeletes: 'TRUE' }).replicateDeletes).toBe('true');
    expect(derive({ replicateDeletes: '' }).replicateDeletes).toBe('false');
    expect(() => derive({ replicateDeletes: 'yes' })).toThrow(
      'replicateDeletes must be true or false',
    );
  });

  it('lists every problem at once, in a message without a stack trace', () => {
    // Act
    let message = '';
    let stack = '';
    try {
      derive({
        rotatedSecretPrefix: '',
        replicateDeletes: 'maybe',
        vpcSubnetIds: 'subnet-0123456789abcdef0',
      });
    } catch (error) {
      message = (error as Error).message;
      stack = (error as Error).stack ?? '';
    }
    // Assess
    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(3);
    expect(stack).toBe(message);
  });
});
