import { describe, expect, it } from 'vitest';
import { parseCliOptions } from '#local-cloud/cli.js';

describe('npm run local options', () => {
  it('leaves the request-rate quotas off unless --request-quota names a scale', () => {
    // Act
    const plain = parseCliOptions([], {});
    const quota = parseCliOptions(['--request-quota', '0.5'], {});
    // Assess
    expect(plain).toEqual({ port: 4566, stateFile: '.rotasync/local-cloud.json' });
    expect(quota.requestQuotaScale).toBe(0.5);
  });

  it.each(['0', '-1', 'fast'])('refuses --request-quota %s', (scale) => {
    // Act
    const parse = () => parseCliOptions(['--request-quota', scale], {});
    // Assess
    expect(parse).toThrow('--request-quota');
  });
});
