/**
 * `rotasync reconcile` invokes the real reconcile function through the local cloud's Lambda API:
 * a sweep with nothing drifted, a dry run that finds drift and writes nothing, a sweep that
 * repairs it, and the exit codes of a missing function, a failing function and a refused call.
 */
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileReport } from '#cli/commands/reconcile.js';
import {
  PRIMARY,
  type ReplicationHarness,
  startReplicationHarness,
  WEST,
} from '#local-cloud/replication-stack.js';
import { runCli } from '#test/helpers/cli.js';
import { uniqueName } from '#test/helpers/databases.js';

let harness: ReplicationHarness;

beforeAll(async () => {
  harness = await startReplicationHarness({
    recoveryRegions: [WEST],
    events: { autoDeliver: true },
  });
});

afterAll(async () => {
  await harness?.stop();
});

const reconcile = (...extra: string[]) =>
  runCli([
    'reconcile',
    '--endpoint',
    harness.stack.cloud.endpoint,
    '--region',
    PRIMARY,
    '--function-prefix',
    'rotasync-local-',
    ...extra,
  ]);

interface ReconcileJson {
  readonly function: string;
  readonly region: string;
  readonly report: ReconcileReport;
}

describe('rotasync reconcile', () => {
  it('finds every replica in sync and exits 0, as text and as JSON', async () => {
    // Prepare
    await harness.createSecret(uniqueName('cli/recon'), JSON.stringify({ token: 'a' }));
    await harness.stack.events.flush();

    // Act
    const text = await reconcile('--dry-run');
    const json = await reconcile('--dry-run', '--json');

    // Assess
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^reconcile in us-east-1 \(rotasync-local-reconcile\), dry run: nothing written\n {2}\d+ secret × Region pairs checked: \d+ in sync, 0 drifted, 0 repaired, 0 failed\n\n✓ every replica in sync\n$/,
    );
    expect(json.exitCode).toBe(0);
    expect(json.json<ReconcileJson>()).toMatchObject({
      function: 'rotasync-local-reconcile',
      region: PRIMARY,
      report: { dryRun: true, drift: [], errors: [], failed: 0 },
    });
  });

  it('reports drift on a dry run (exit 1, nothing written), then repairs it (exit 0)', async () => {
    // Prepare: a replica changed behind Rotasync's back.
    const name = uniqueName('cli/recon');
    const arn = await harness.createSecret(name, JSON.stringify({ token: 'source' }));
    await harness.stack.events.flush();
    await harness.sm(WEST).send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: JSON.stringify({ token: 'tampered replica token' }),
      }),
    );

    // Act
    const dry = await reconcile('--dry-run', '--json');
    const stillTampered = await harness
      .sm(WEST)
      .send(new GetSecretValueCommand({ SecretId: name }));
    const human = await reconcile('--dry-run');
    const repair = await reconcile();
    const after = await reconcile('--dry-run');

    // Assess
    expect(dry.exitCode).toBe(1);
    expect(dry.json<ReconcileJson>().report.drift).toEqual([
      { secret: arn, region: WEST, reason: 'stale-value', repaired: false },
    ]);
    expect(stillTampered.SecretString).toBe(JSON.stringify({ token: 'tampered replica token' }));
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`${name} +us-west-2 +stale-value +no \\(dry run\\)`));
    expect(human.stdout).toContain('✗ 1 drifted (run without --dry-run to repair)');
    expect(repair.exitCode, repair.stdout).toBe(0);
    expect(repair.stdout).toMatch(new RegExp(`${name} +us-west-2 +stale-value +yes`));
    expect(repair.stdout).toContain('✓ 1 repaired');
    expect(after.exitCode).toBe(0);
  });

  it('exits 3 naming the function when the deployment has none by that name', async () => {
    // Act
    const run = await runCli([
      'reconcile',
      '--endpoint',
      harness.stack.cloud.endpoint,
      '--region',
      PRIMARY,
      '--stage',
      'staging',
      '--json',
    ]);

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.json()).toEqual({
      error: {
        code: 'ResourceNotFoundException',
        message:
          'Invoke rotasync-staging-reconcile in us-east-1 failed: there is no function rotasync-staging-reconcile in us-east-1. Deploy the stack there, or name the deployment with --stage or --function-prefix.',
        exitCode: 3,
      },
    });
  });

  it("exits 3 with the function's own error when the function fails", async () => {
    // Prepare: the sweep's first listing fails (for every caller: only the function lists).
    harness.stack.cloud.faults.failNext('ListSecrets', 1, 'AccessDeniedException', PRIMARY);

    // Act
    const run = await reconcile();

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/^rotasync: rotasync-local-reconcile in us-east-1 failed: \w+: /);
    expect(run.stderr).toContain('AccessDeniedException');
  });

  it('exits 3 when the Lambda API refuses the call', async () => {
    // Prepare
    harness.stack.cloud.faults.failNext('Invoke', 1, 'AccessDeniedException');

    // Act
    const run = await reconcile('--json');

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.json()).toMatchObject({
      error: { code: 'AccessDeniedException', exitCode: 3 },
    });
  });
});
