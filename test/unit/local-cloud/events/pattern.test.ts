import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesPattern } from '#local-cloud/events/pattern.js';

const event = {
  source: 'aws.secretsmanager',
  'detail-type': 'AWS API Call via CloudTrail',
  resources: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf'],
  detail: {
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'PutSecretValue',
    requestParameters: { secretId: 'prod/app', versionStages: ['AWSPENDING'] },
    responseElements: {
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf',
    },
    errorCode: null,
  },
};

describe('matchesPattern', () => {
  it.each<[string, EventPattern, boolean]>([
    [
      'exact values',
      { source: ['aws.secretsmanager'], detail: { eventName: ['X', 'PutSecretValue'] } },
      true,
    ],
    ['a wrong value', { detail: { eventName: ['DeleteSecret'] } }, false],
    [
      'a prefix',
      { detail: { responseElements: { arn: [{ prefix: 'arn:aws:secretsmanager:us-east-1:' }] } } },
      true,
    ],
    [
      'a prefix that differs',
      { detail: { responseElements: { arn: [{ prefix: 'arn:aws:rds' }] } } },
      false,
    ],
    ['a suffix', { detail: { eventSource: [{ suffix: '.amazonaws.com' }] } }, true],
    [
      'equals-ignore-case',
      { detail: { eventName: [{ 'equals-ignore-case': 'putsecretvalue' }] } },
      true,
    ],
    [
      'anything-but a value',
      { detail: { eventName: [{ 'anything-but': 'GetSecretValue' }] } },
      true,
    ],
    [
      'anything-but a listed value',
      { detail: { eventName: [{ 'anything-but': ['PutSecretValue'] }] } },
      false,
    ],
    [
      'anything-but a prefix',
      { detail: { eventName: [{ 'anything-but': { prefix: 'Put' } }] } },
      false,
    ],
    ['anything-but on a missing field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['exists true', { detail: { responseElements: { arn: [{ exists: true }] } } }, true],
    [
      'exists false on a missing field',
      { detail: { additionalEventData: [{ exists: false }] } },
      true,
    ],
    ['exists false on a present field', { detail: { eventName: [{ exists: false }] } }, false],
    [
      'any element of an event array',
      { detail: { requestParameters: { versionStages: ['AWSPENDING'] } } },
      true,
    ],
    [
      'an event array without it',
      { detail: { requestParameters: { versionStages: ['AWSCURRENT'] } } },
      false,
    ],
    [
      'a resources array prefix',
      { resources: [{ prefix: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/' }] },
      true,
    ],
    ['null', { detail: { errorCode: [null] } }, true],
    ['a nested pattern over a scalar', { source: { x: ['y'] } }, false],
  ])('handles %s', (_label, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});
