import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { readProjectFile } from '#test/helpers/project-files.js';

// CloudFormation's short-form functions, kept as plain values for inspection.
const cfnTags: Tags = ['!Sub', '!Ref', '!GetAtt'].map((tag) => ({
  tag,
  resolve: (value: string) => ({ [tag.slice(1)]: value }),
}));

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
}

const statements = (): Statement[] => {
  const text = readProjectFile('functions/rotate/role.yml');
  const role = parse(text, { customTags: cfnTags });
  return role.Resources.RotateRole.Properties.Policies[0].PolicyDocument.Statement;
};

describe('functions/rotate/role.yml', () => {
  it('lets the function only read the superuser secrets it is configured for', () => {
    // Prepare
    const all = statements();
    // Act
    const superusers = all.find((s) => s.Sid === 'ReadSuperuserSecrets');
    // Assess
    expect(superusers?.Action).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    // Scoped to the stack's account and Region and to the configured name pattern (a Serverless
    // variable resolved at deploy time from serverless.yml's custom block).
    expect(superusers?.Resource).toEqual({
      Sub: [
        'arn:$',
        '{AWS::Partition}:secretsmanager:$',
        '{AWS::Region}:$',
        '{AWS::AccountId}:secret:$',
        '{self:custom.rotasync.superuserSecretPattern}',
      ].join(''),
    });
  });

  it('describes RDS databases by ARN pattern, never with a wildcard action or resource', () => {
    // Prepare
    const all = statements();
    // Act
    const rds = all.find((s) => s.Sid === 'FindRdsMasterEndpoints');
    // Assess
    expect(rds?.Action).toEqual(['rds:DescribeDBInstances', 'rds:DescribeDBClusters']);
    expect(JSON.stringify(rds?.Resource)).toContain(':db:*');
    expect(JSON.stringify(rds?.Resource)).toContain(':cluster:*');
    for (const statement of all) {
      expect([statement.Action].flat()).not.toContain('*');
      expect(statement.Resource).not.toBe('*');
    }
  });
});
