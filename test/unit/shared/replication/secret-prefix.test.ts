import { describe, expect, it } from 'vitest';
import { isUnderPrefix } from '#shared/replication/secret-prefix.js';

describe('isUnderPrefix', () => {
  it.each([
    ['prod/app', 'prod/', true],
    ['staging/app', 'prod/', false],
    ['anything', '', true],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf', 'prod/', true],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:staging/app-AbCdEf', 'prod/', false],
    // IAM matches the ARN's resource part, suffix included, as `secret:<prefix>*` does.
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf', 'app-Ab', true],
    // The account or Region in the ARN never counts as the name.
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf', 'arn', false],
    ['Prod/app', 'prod/', false],
  ])('%s under "%s" is %s', (secretId, prefix, expected) => {
    // Act
    const under = isUnderPrefix(secretId, prefix);
    // Assess
    expect(under).toBe(expected);
  });
});
