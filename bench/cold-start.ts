/**
 * Cold start per function, from the deployment packages themselves: `serverless package` of the
 * example primary stack, each zip unpacked as Lambda unpacks it, then, round after round, a fresh
 * Node process per case that imports the handler and answers one real invocation against the
 * local cloud (bench/cold-start-probe.mjs), beside a bare `node -e 0` in the same round.
 *
 * What "bundle size" means here: the JavaScript a cold start loads to answer its invocation
 * (the handler and the chunks it imports, as a module hook traced them), which is what Node must
 * read and compile. The zip, all JavaScript in it (chunks loaded only by other invocations
 * included) and the source maps are reported beside it: the maps are read only when
 * NODE_OPTIONS has --enable-source-maps.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { extractZip } from '#deploy/read-zip.js';
import {
  offlineCredentials,
  readStacks,
  runServerless,
  serverlessArguments,
} from '#deploy/stacks.js';
import { startLocalCloud } from '#local-cloud/index.js';
import { readServerlessProject } from '#local-cloud/lambda/serverless-config.js';
import { PROJECT_ROOT } from '#local-cloud/stack.js';
import { quantile } from './table.js';

const PROBE = fileURLToPath(new URL('./cold-start-probe.mjs', import.meta.url));
const REGION = 'us-east-1';
const WEST = 'us-west-2';
const PREFIX = 'bench/cold/';

/** One function's package: its size, and how much of it is JavaScript and source maps. */
export interface PackageSize {
  readonly functionName: string;
  readonly zipBytes: number;
  readonly jsBytes: number;
  readonly jsFiles: number;
  readonly mapBytes: number;
}

/** One kind of invocation, timed over the rounds. */
export interface ColdStartCase {
  readonly label: string;
  readonly functionName: string;
  /** How every timed run ended (`ok`, or the error the function answered with). */
  readonly outcomes: readonly string[];
  /** JavaScript the traced run loaded: bytes and files. */
  readonly loadedBytes: number;
  readonly loadedFiles: number;
  /** Process start to exit, per round (ms). */
  readonly wallMs: readonly number[];
  /** Process start to the handler's answer, as the probe measured it (ms). */
  readonly answerMs: readonly number[];
  /** Process start to the handler imported (ms). */
  readonly importMs: readonly number[];
}

export interface ColdStartFigures {
  readonly nodeVersion: string;
  readonly nodeOptions: string;
  readonly rounds: number;
  readonly packages: readonly PackageSize[];
  /** `node -e 0`, start to exit, per round (ms). */
  readonly bareMs: readonly number[];
  readonly cases: readonly ColdStartCase[];
}

interface ProbeReport {
  readonly outcome: string;
  readonly importedAt: number;
  readonly answeredAt: number;
  readonly loaded: readonly string[];
}

interface RunResult {
  readonly wallMs: number;
  readonly report: ProbeReport | undefined;
}

/** Runs `args` on this Node in a fresh process; resolves its wall time and the probe's report. */
const runNode = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const line = stderr.split('\n').find((text) => text.startsWith('{"probe":true'));
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`));
        return;
      }
      resolve({
        wallMs,
        report: line === undefined ? undefined : (JSON.parse(line) as ProbeReport),
      });
    });
  });

/** A loopback port nothing listens on: a database login there is refused at once. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

const fileSize = (path: string): number => statSync(path).size;

/**
 * Packages the example primary stack and measures each function's cold start over `rounds`
 * rounds. Throws when packaging fails or a probe answers unexpectedly.
 */
export const measureColdStarts = async (rounds: number): Promise<ColdStartFigures> => {
  const dir = mkdtempSync(join(tmpdir(), 'rotasync-cold-'));
  // A rotation the local cloud starts is left at its first step, with its AWSPENDING version
  // registered, for the probes to run the steps themselves.
  const cloud = await startLocalCloud({
    invokeFunction: async () => {
      throw new Error('the bench runs the steps itself');
    },
  });
  try {
    const plan = readStacks(join(PROJECT_ROOT, 'deploy', 'stacks.example.yml')).find(
      (candidate) => candidate.region === REGION,
    );
    if (plan === undefined) throw new Error(`deploy/stacks.example.yml has no ${REGION} stack`);
    const packageDir = join(dir, 'package');
    const packaged = await runServerless(serverlessArguments('package', plan, packageDir), {
      env: offlineCredentials(),
    });
    if (packaged.code !== 0) throw new Error(`serverless package failed:\n${packaged.output}`);

    const packages: PackageSize[] = [];
    const taskRoots = new Map<string, string>();
    const zips = readdirSync(packageDir).filter((file) => file.endsWith('.zip'));
    for (const functionName of zips.map((file) => file.slice(0, -'.zip'.length))) {
      const zip = join(packageDir, `${functionName}.zip`);
      const taskRoot = join(dir, 'task', functionName);
      const entries = extractZip(zip, taskRoot);
      taskRoots.set(functionName, taskRoot);
      const js = entries.filter((entry) => entry.path.endsWith('.js'));
      packages.push({
        functionName,
        zipBytes: fileSize(zip),
        jsBytes: js.reduce((sum, entry) => sum + entry.data.length, 0),
        jsFiles: js.length,
        mapBytes: entries
          .filter((entry) => entry.path.endsWith('.map'))
          .reduce((sum, entry) => sum + entry.data.length, 0),
      });
    }

    // The functions' environment as serverless.yml declares it, plus what Lambda sets.
    const project = readServerlessProject(PROJECT_ROOT, {
      stage: 'local',
      region: REGION,
      accountId: cloud.accountId,
      params: { rotatedSecretPrefix: PREFIX, replicatedSecretPrefix: PREFIX },
    });
    const environmentOf = (functionName: string): NodeJS.ProcessEnv => {
      const fn = project.functions.find((candidate) => candidate.key === functionName);
      if (fn === undefined) throw new Error(`serverless.yml has no function ${functionName}`);
      return {
        PATH: process.env.PATH ?? '',
        TZ: 'UTC',
        ...fn.environment,
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_SESSION_TOKEN: 'local',
        AWS_LAMBDA_FUNCTION_NAME: fn.lambdaName,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.endpoint,
        AWS_ENDPOINT_URL_RDS: cloud.endpoint,
      };
    };
    const handlerOf = (functionName: string): string =>
      join(taskRoots.get(functionName) ?? '', 'functions', functionName, 'handler.js');

    const endpoint = { host: '127.0.0.1', port: await closedPort() };
    const regionClient = (region: string) =>
      new SecretsManagerClient({
        region,
        endpoint: cloud.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
    const client = regionClient(REGION);
    const westClient = regionClient(WEST);
    /** A database secret with a rotation started (and stopped at createSecret): ARN and token. */
    const rotatingSecret = async (name: string, engine: string) => {
      const created = await client.send(
        new CreateSecretCommand({
          Name: `${PREFIX}${name}`,
          SecretString: JSON.stringify({
            engine,
            ...endpoint,
            username: 'app',
            password: 'Bench-cold-start-0001',
          }),
        }),
      );
      const started = await client.send(
        new RotateSecretCommand({
          SecretId: created.ARN,
          RotationLambdaARN: `arn:aws:lambda:${REGION}:${cloud.accountId}:function:rotasync-local-rotate`,
          RotationRules: { AutomaticallyAfterDays: 30 },
        }),
      );
      await cloud.rotationsSettled();
      return { arn: created.ARN ?? '', token: started.VersionId ?? '' };
    };
    const replicatedSecret = async (name: string): Promise<string> => {
      const created = await client.send(
        new CreateSecretCommand({
          Name: `${PREFIX}${name}`,
          SecretString: JSON.stringify({ engine: 'postgres', ...endpoint, username: 'app' }),
          Tags: [
            { Key: 'rotasync:replicate-to', Value: WEST },
            { Key: `rotasync:endpoint:${WEST}`, Value: `replica.example:${endpoint.port}` },
          ],
        }),
      );
      return created.ARN ?? '';
    };
    // The sweep's secrets: already replicated, so a dry run compares and finds them in sync.
    for (let index = 0; index < 20; index += 1) {
      const arn = await replicatedSecret(`sweep-${index}`);
      await westClient.send(
        new CreateSecretCommand({
          Name: `${PREFIX}sweep-${index}`,
          SecretString: JSON.stringify({
            engine: 'postgres',
            host: 'replica.example',
            port: endpoint.port,
            username: 'app',
          }),
          Tags: [{ Key: 'rotasync:source-arn', Value: arn }],
        }),
      );
    }
    westClient.destroy();

    type Invocation = { readonly functionName: string; readonly event: unknown };
    /** One round's invocations of each case, made fresh so every round does the same work. */
    const roundCases = async (round: number): Promise<Record<string, Invocation>> => {
      const pg = await rotatingSecret(`rotate-pg-${round}`, 'postgres');
      const mysql = await rotatingSecret(`rotate-mysql-${round}`, 'mysql');
      const source = await replicatedSecret(`replicate-${round}`);
      const step = (Step: string, secret: { arn: string; token: string }) => ({
        functionName: 'rotate',
        event: { Step, SecretId: secret.arn, ClientRequestToken: secret.token },
      });
      return {
        'rotate: createSecret (PostgreSQL secret)': step('createSecret', pg),
        'rotate: createSecret (MySQL secret)': step('createSecret', mysql),
        'rotate: testSecret, loads pg (login refused)': step('testSecret', pg),
        'rotate: testSecret, loads mysql2 (login refused)': step('testSecret', mysql),
        'replicate: one change to one Region': {
          functionName: 'replicate',
          event: {
            version: '0',
            id: `cold-start-${round}`,
            'detail-type': 'Secret Label Updated',
            source: 'aws.secretsmanager',
            account: cloud.accountId,
            time: new Date().toISOString(),
            region: REGION,
            resources: [source],
            detail: {
              name: `${PREFIX}replicate-${round}`,
              labelUpdated: 'AWSCURRENT',
              versionId: `0f7d8e2a-3c4b-4d5e-8f6a-${String(round).padStart(12, '0')}`,
            },
          },
        },
        'reconcile: dry run, 20 secrets x 1 Region': {
          functionName: 'reconcile',
          event: { dryRun: true },
        },
      };
    };

    const bareMs: number[] = [];
    const results = new Map<
      string,
      {
        functionName: string;
        outcomes: string[];
        wall: number[];
        answer: number[];
        imported: number[];
        loaded: string[];
      }
    >();
    // Round 0 traces the modules each case loads; it is not timed (the hook slows loading).
    for (let round = 0; round <= rounds; round += 1) {
      const trace = round === 0;
      if (!trace)
        bareMs.push((await runNode(['-e', '0'], { PATH: process.env.PATH ?? '' })).wallMs);
      for (const [label, invocation] of Object.entries(await roundCases(round))) {
        const { wallMs, report } = await runNode(
          [
            PROBE,
            handlerOf(invocation.functionName),
            JSON.stringify(invocation.event),
            ...(trace ? ['--trace'] : []),
          ],
          environmentOf(invocation.functionName),
        );
        if (report === undefined) throw new Error(`${label}: the probe reported nothing`);
        const known = results.get(label) ?? {
          functionName: invocation.functionName,
          outcomes: [],
          wall: [],
          answer: [],
          imported: [],
          loaded: [],
        };
        if (trace) known.loaded.push(...report.loaded);
        else {
          known.outcomes.push(report.outcome);
          known.wall.push(wallMs);
          known.answer.push(report.answeredAt);
          known.imported.push(report.importedAt);
        }
        results.set(label, known);
      }
    }
    client.destroy();

    const cases: ColdStartCase[] = [...results].map(([label, result]) => {
      const root = taskRoots.get(result.functionName) ?? '';
      const files = [...new Set(result.loaded)]
        .filter((url) => url.startsWith('file:'))
        .map((url) => fileURLToPath(url))
        .filter((path) => path.startsWith(root) && path.endsWith('.js'));
      return {
        label,
        functionName: result.functionName,
        outcomes: [...new Set(result.outcomes)],
        loadedBytes: files.reduce((sum, path) => sum + fileSize(path), 0),
        loadedFiles: files.length,
        wallMs: result.wall,
        answerMs: result.answer,
        importMs: result.imported,
      };
    });
    return {
      nodeVersion: process.version,
      nodeOptions: String(environmentOf('rotate').NODE_OPTIONS ?? ''),
      rounds,
      packages,
      bareMs,
      cases,
    };
  } finally {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

/** The median of a list of milliseconds. */
export const median = (values: readonly number[]): number => quantile(values, 0.5);
