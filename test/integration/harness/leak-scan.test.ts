/**
 * The leak scan can see: values the suite created, planted on purpose into each kind of captured
 * output, in each encoding, through the same paths a real leak would take (a hosted function's
 * log line, error and result; an EventBridge event; the request log and API call records; the
 * `rotasync` command's output; the database server's log), are found by the scan of this file's own capture. Each plant is also
 * registered, so the final scan of the whole run fails if it does not find them there too.
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClient } from '#local-cloud/databases/clients.js';
import { createEventDispatcher } from '#local-cloud/events/dispatcher.js';
import { type LocalCloud, startLocalCloud } from '#local-cloud/index.js';
import { FunctionHost } from '#local-cloud/lambda/function-host.js';
import { PROJECT_ROOT } from '#local-cloud/stack.js';
import type { TextStream } from '#local-cloud/taps.js';
import { activeCapture } from '#test/harness/leak-scan/active.js';
import { type Encoding, encodedForms } from '#test/harness/leak-scan/encodings.js';
import { registerPlant } from '#test/harness/leak-scan/plants.js';
import { formatSummary } from '#test/harness/leak-scan/report.js';
import { type ScanReport, scanRun } from '#test/harness/leak-scan/scan.js';
import { fingerprint } from '#test/harness/leak-scan/values.js';
import { runCli } from '#test/helpers/cli.js';
import { postgresServer } from '#test/helpers/databases.js';
import { projectPath } from '#test/helpers/project-files.js';

const REGION = 'us-east-1';

/** A fresh value: random, with `extra` characters that make an encoding differ from raw. */
const plantValue = (extra = ''): string =>
  `plant${randomBytes(12).toString('base64url')}${extra}${randomBytes(3).toString('hex')}`;

/** One value per captured stream, shaped so its planted encoding differs from the raw text. */
const values = {
  output: plantValue(),
  error: plantValue('"\\'),
  report: plantValue('+/?'),
  event: plantValue(' &/'),
  secretName: plantValue(),
  databaseUser: plantValue(),
  cliArgument: plantValue(),
};
type PlantName = keyof typeof values;

const leakyProject = {
  service: 'leak-scan',
  stage: 'test',
  region: REGION,
  functions: [
    {
      key: 'leaky',
      lambdaName: 'leak-scan-test-leaky',
      modulePath: projectPath('test/integration/harness/fixtures/leaky-function.ts'),
      exportName: 'handler',
      timeoutSeconds: 30,
      environment: {},
      eventPatterns: [],
      schedules: [],
    },
  ],
};

/** Where each plant must be found in this file's capture. */
const EXPECTED: readonly [PlantName, TextStream, Encoding][] = [
  ['output', 'function-output', 'raw'],
  // The reply carries the invocation's log tail, as Lambda's Invoke API returns it.
  ['output', 'function-reply', 'raw'],
  ['error', 'function-reply', 'json'],
  ['report', 'function-reply', 'base64'],
  ['event', 'event', 'url'],
  ['secretName', 'request-log', 'raw'],
  ['secretName', 'api-call', 'raw'],
  ['cliArgument', 'cli-output', 'raw'],
];

describe('the leak scan, against values planted on purpose', () => {
  let cloud: LocalCloud | undefined;
  let host: FunctionHost | undefined;
  let sm: SecretsManagerClient | undefined;
  let report: ScanReport;

  beforeAll(async () => {
    // Prepare: the values are created as the suite creates values, stored by the local cloud.
    cloud = await startLocalCloud();
    sm = new SecretsManagerClient({
      region: REGION,
      endpoint: cloud.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    for (const [name, value] of Object.entries(values)) {
      const secretName = name === 'secretName' ? value : name;
      await sm.send(
        new CreateSecretCommand({ Name: `leak-scan-plant/${secretName}`, SecretString: value }),
      );
    }
    const printed: string[] = [];
    host = new FunctionHost({
      projectRoot: PROJECT_ROOT,
      project: leakyProject,
      accountId: cloud.accountId,
      environment: {},
      onOutput: (_name, line) => printed.push(line),
    });

    // Act: put each value out through its stream.
    await host.invoke(
      'leaky',
      {
        print: values.output,
        // One byte in front: the value starts at an offset that is not a multiple of 3.
        report: Buffer.from(`x${values.report}`).toString('base64'),
      },
      REGION,
    );
    const failed = await host.invoke('leaky', { fail: values.error }, REGION).catch(() => 'failed');
    if (failed !== 'failed') throw new Error('the leaky function did not fail');
    createEventDispatcher({ targets: [] }).publish({
      version: '0',
      id: 'leak-scan-plant',
      'detail-type': 'Leak Scan Plant',
      source: 'rotasync.test',
      account: cloud.accountId,
      time: new Date().toISOString(),
      region: REGION,
      resources: [],
      detail: { link: `https://example.com/?q=${encodeURIComponent(values.event)}` },
    });
    // The command echoes an unknown command's name in its error.
    await runCli([values.cliArgument]);
    const login = pgClient(postgresServer(), values.databaseUser, 'not-the-password');
    const refused = await login.connect().then(
      () => 'logged in',
      (error: Error) => error.message,
    );
    if (!refused.includes('authentication failed')) throw new Error(`login: ${refused}`);
    // The line travels over a pipe, the reply over IPC: wait for the line to arrive.
    for (let waited = 0; !printed.some((line) => line.includes(values.output)); waited += 10) {
      if (waited > 10_000) throw new Error('the leaky function printed nothing');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const capture = activeCapture();
    capture.capture.flush();
    report = await scanRun(capture.dir, {
      key: capture.key,
      labels: (label) => label === capture.capture.label,
    });
    for (const [name, stream, encoding] of [
      ...EXPECTED,
      // In the global setup's capture of the server's log: the final scan checks it.
      ['databaseUser', 'database-log', 'raw'] as const,
    ]) {
      await registerPlant(
        capture.dir,
        capture.key,
        { value: values[name], stream, encoding },
        capture.capture.label,
      );
    }
  });

  afterAll(async () => {
    sm?.destroy();
    await host?.stop();
    await cloud?.stop();
  });

  it('finds each planted value in its stream and encoding, and nothing else', () => {
    // Assess
    const { key } = activeCapture();
    const nameOf = new Map(
      Object.entries(values).map(([name, value]) => [fingerprint(key, value), name] as const),
    );
    const found = report.findings.map((finding) => [
      nameOf.get(finding.value),
      finding.stream,
      finding.encoding,
    ]);
    expect(found.sort()).toEqual(EXPECTED.map((entry) => [...entry]).sort());
  });

  it('names the line of each finding, and never the value in any form', () => {
    // Assess
    for (const finding of report.findings) {
      expect(finding.line).toBeGreaterThan(0);
      expect(finding.source).not.toBe('');
    }
    const summary = formatSummary(report);
    for (const value of Object.values(values)) {
      for (const form of encodedForms(value, 8)) expect(summary).not.toContain(form.text);
    }
    expect(summary).toContain(`${EXPECTED.length} violations`);
  });
});
