import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.js';
import { selectTargetRegions } from '#shared/replication/target-selection.js';

describe('selectTargetRegions', () => {
  it('prefers the tag over the defaults and drops the source Region', () => {
    // Act
    const selection = selectTargetRegions(
      { name: 's', tags: { 'rotasync:replicate-to': 'us-east-1,ap-south-1' } },
      'us-east-1',
      ['eu-west-1'],
    );
    // Assess
    expect(selection).toEqual({ replicate: true, regions: ['ap-south-1'] });
  });

  it('never treats a replica as a source', () => {
    // Act
    const selection = selectTargetRegions(
      { name: 's', tags: { 'rotasync:source-arn': 'arn:…' } },
      'eu-west-1',
      ['us-east-1'],
    );
    // Assess
    expect(selection).toEqual({ replicate: false, reason: 'the secret is a Rotasync replica' });
  });

  it('throws ConfigurationError on a malformed tag', () => {
    expect(() =>
      selectTargetRegions(
        { name: 's', tags: { 'rotasync:replicate-to': 'eu west' } },
        'us-east-1',
        [],
      ),
    ).toThrow(ConfigurationError);
  });
});
