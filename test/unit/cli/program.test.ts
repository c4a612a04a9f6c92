/**
 * The command line itself: help for every command, usage errors (exit 2) caught before any AWS
 * call, JSON errors for scripts, the version. A closed port stands in for AWS, so a call that
 * should not happen would fail with 3, not pass.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '#test/helpers/cli.js';

const NOWHERE = ['--endpoint', 'http://127.0.0.1:9', '--region', 'us-east-1'];
const COMMANDS = ['status', 'rotate', 'enroll', 'drill', 'reconcile', 'failover', 'failback'];

describe('help', () => {
  it('prints help for every command on stdout, with its exit codes, and exits 0', async () => {
    for (const command of COMMANDS) {
      // Act
      const run = await runCli([command, '--help']);

      // Assess
      expect(run.exitCode, command).toBe(0);
      expect(run.stdout, command).toContain(`Usage: rotasync ${command}`);
      expect(run.stdout, command).toContain('Exit codes:');
      expect(run.stdout, command).toContain('--json');
      expect(run.stdout, command).toContain('Example');
    }
  });

  it('prints the overview with the exit-code table', async () => {
    const run = await runCli(['--help']);
    expect(run.exitCode).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(command);
    expect(run.stdout).toMatch(/2 {2}usage error/);
  });

  it('prints the version', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ exitCode: 0, stdout: '0.1.0\n' });
  });
});

describe('usage errors exit 2 before any AWS call', () => {
  it.each([
    [['nonsense'], /unknown command 'nonsense'/],
    [['status', '--bogus'], /unknown option '--bogus'/],
    [[], /Usage: rotasync/],
    [['rotate'], /missing required argument 'secret'/],
    [['enroll', 'app'], /required option '--schedule <expression>' not specified/],
    [
      ['enroll', 'app', '--schedule', 'rate(3 hours)', ...NOWHERE],
      /--schedule: A rate in hours must be at least 4 hours/,
    ],
    [
      ['enroll', 'app', '--schedule', 'cron(30 4 * * ? *)', ...NOWHERE],
      /minutes field .* must be 0/,
    ],
    [
      ['enroll', 'app', '--schedule', 'cron(0 22 * * ? *)', '--window', '3h', ...NOWHERE],
      /--window: .*next UTC day/,
    ],
    [
      ['enroll', 'app', '--schedule', 'rate(30 days)', '--window', '30h', ...NOWHERE],
      /--window: Duration must be between 1h and 24h/,
    ],
    [
      [
        'failover',
        '--region',
        'us-west-2',
        '--confirm',
        'us-east-1',
        '--endpoint',
        'http://127.0.0.1:9',
      ],
      /--confirm "us-east-1" does not repeat --region "us-west-2"/,
    ],
    [['failover', '--region', 'us-west-2'], /required option '--confirm <region>'/],
    [
      [
        'failback',
        '--region',
        'us-east-1',
        '--confirm',
        'us-east-1',
        '--primary-region',
        'us-east-1',
      ],
      /both us-east-1/,
    ],
    [
      [
        'failback',
        '--region',
        'us-east-1',
        '--confirm',
        'us-west-2',
        '--primary-region',
        'us-west-2',
      ],
      /does not repeat/,
    ],
    [['drill', '--secrets', 'a', '--tag', 'k=v', ...NOWHERE], /--secrets or --tag, not both/],
    [['status', '--region', 'nowhere'], /not a Region name/],
    [
      ['status', '--stage', 'a', '--function-prefix', 'b-', ...NOWHERE],
      /--stage or --function-prefix, not both/,
    ],
    [['rotate', 'app', '--timeout', 'later', ...NOWHERE], /--timeout "later" is not a duration/],
    [['status', '--pending-grace', 'x', ...NOWHERE], /--pending-grace "x" is not a duration/],
  ])('%j', async (argv, message) => {
    // Act
    const run = await runCli(argv);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('answers a usage error with JSON on stdout under --json', async () => {
    // Act
    const run = await runCli([
      'failover',
      '--region',
      'us-west-2',
      '--confirm',
      'eu-west-1',
      '--json',
    ]);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.json()).toEqual({
      error: {
        code: 'UsageError',
        message: '--confirm "eu-west-1" does not repeat --region "us-west-2": nothing was done.',
        exitCode: 2,
      },
    });
  });

  it('answers an unknown option with JSON on stdout under --json', async () => {
    const run = await runCli(['status', '--json', '--frobnicate']);
    expect(run.exitCode).toBe(2);
    expect(run.json()).toMatchObject({ error: { code: 'UsageError', exitCode: 2 } });
  });
});

describe('AWS errors exit 3', () => {
  it('reports an unreachable endpoint with the call that failed, as text and as JSON', async () => {
    // Act
    const text = await runCli(['status', ...NOWHERE]);
    const json = await runCli(['status', ...NOWHERE, '--json']);

    // Assess
    expect(text.exitCode).toBe(3);
    expect(text.stderr).toMatch(/^rotasync: ListSecrets in us-east-1 failed: /);
    expect(json.exitCode).toBe(3);
    expect(json.json()).toMatchObject({ error: { exitCode: 3 } });
  });

  it('refuses to guess a Region', async () => {
    // Prepare: the SDK reads the process environment itself, so the Region goes from there.
    const saved = { ...process.env };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = '/nonexistent/rotasync-config';
    try {
      // Act
      const run = await runCli(['status', '--endpoint', 'http://127.0.0.1:9'], {
        env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
      });

      // Assess
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/No Region: give --region/);
    } finally {
      process.env = saved;
    }
  });
});
