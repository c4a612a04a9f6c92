import { describe, expect, it } from 'vitest';
import type { CliIo } from '#cli/io.js';
import { secretNameOfArn } from '#cli/names.js';
import { parseDuration, parseSecretSelector, resolveCommonOptions } from '#cli/options.js';
import { renderTable } from '#cli/table.js';

const io = (env: Record<string, string> = {}, tty = false): CliIo => ({
  stdout: { write: () => undefined, isTTY: false },
  stderr: { write: () => undefined, isTTY: tty },
  env,
  now: () => new Date(0),
  sleep: async () => undefined,
});

const usageMessage = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if ((error as Error).name === 'UsageError') return (error as Error).message;
    throw error;
  }
  throw new Error('no UsageError');
};

describe('parseDuration', () => {
  it('reads units and plain seconds', () => {
    expect(['500ms', '30s', '5m', '2h', '90', '1.5m'].map((v) => parseDuration(v, '--x'))).toEqual([
      500, 30_000, 300_000, 7_200_000, 90_000, 90_000,
    ]);
  });

  it('refuses anything else, naming the option', () => {
    expect(usageMessage(() => parseDuration('soon', '--timeout'))).toBe(
      '--timeout "soon" is not a duration (e.g. 90s, 5m, 1h).',
    );
  });
});

describe('parseSecretSelector', () => {
  it('reads names (comma-separated, repeated, deduplicated), a tag, or all', () => {
    expect(parseSecretSelector({})).toBe('all');
    expect(parseSecretSelector({ secrets: ['a,b', 'b', ' c '] })).toEqual({
      names: ['a', 'b', 'c'],
    });
    expect(parseSecretSelector({ tag: 'team=orders' })).toEqual({
      tag: { key: 'team', value: 'orders' },
    });
  });

  it('refuses both at once, an empty list and a tag without a key', () => {
    expect(usageMessage(() => parseSecretSelector({ secrets: ['a'], tag: 'k=v' }))).toMatch(
      /not both/,
    );
    expect(usageMessage(() => parseSecretSelector({ secrets: [','] }))).toMatch(/names no secret/);
    expect(usageMessage(() => parseSecretSelector({ tag: 'orders' }))).toMatch(/key=value/);
  });
});

describe('resolveCommonOptions', () => {
  it('names functions rotasync-<stage>- by default, dev unless ROTASYNC_STAGE says otherwise', () => {
    expect(resolveCommonOptions({}, io()).functionPrefix).toBe('rotasync-dev-');
    expect(resolveCommonOptions({}, io({ ROTASYNC_STAGE: 'prod' })).functionPrefix).toBe(
      'rotasync-prod-',
    );
    expect(
      resolveCommonOptions({ stage: 'local' }, io({ ROTASYNC_STAGE: 'prod' })).functionPrefix,
    ).toBe('rotasync-local-');
    expect(resolveCommonOptions({ functionPrefix: 'ops-' }, io()).functionPrefix).toBe('ops-');
    expect(
      resolveCommonOptions({}, io({ ROTASYNC_FUNCTION_PREFIX: 'team-rotasync-' })).functionPrefix,
    ).toBe('team-rotasync-');
  });

  it('takes the Region from --region, else AWS_REGION, else AWS_DEFAULT_REGION', () => {
    expect(
      resolveCommonOptions({ region: 'eu-west-1' }, io({ AWS_REGION: 'us-east-1' })).region,
    ).toBe('eu-west-1');
    expect(resolveCommonOptions({}, io({ AWS_DEFAULT_REGION: 'us-west-2' })).region).toBe(
      'us-west-2',
    );
    expect(resolveCommonOptions({}, io()).region).toBeUndefined();
  });

  it('shows progress on a terminal unless told otherwise', () => {
    expect(resolveCommonOptions({}, io({}, true)).progress).toBe(true);
    expect(resolveCommonOptions({}, io({}, false)).progress).toBe(false);
    expect(resolveCommonOptions({ progress: true }, io({}, false)).progress).toBe(true);
    expect(resolveCommonOptions({ progress: false }, io({}, true)).progress).toBe(false);
  });

  it('refuses a bad Region, endpoint or stage, and --stage with --function-prefix', () => {
    expect(usageMessage(() => resolveCommonOptions({ region: 'Mars' }, io()))).toMatch(
      /not a Region/,
    );
    expect(usageMessage(() => resolveCommonOptions({ endpoint: 'localhost:4566' }, io()))).toMatch(
      /http or https/,
    );
    expect(usageMessage(() => resolveCommonOptions({ stage: 'a b' }, io()))).toMatch(/not a stage/);
    expect(
      usageMessage(() => resolveCommonOptions({ stage: 'x', functionPrefix: 'y-' }, io())),
    ).toMatch(/not both/);
  });
});

describe('display helpers', () => {
  it('reads a secret name out of its ARN', () => {
    expect(
      secretNameOfArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/app-AbC123'),
    ).toBe('prod/db/app');
    expect(secretNameOfArn('prod/db/app')).toBe('prod/db/app');
  });

  it('aligns table columns', () => {
    expect(
      renderTable(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
    ).toBe(['A    LONGER', 'xyz  1', 'q    22'].join('\n'));
  });
});
