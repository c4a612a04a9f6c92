/**
 * The reliability harness's test bed: the local cloud with the project's real `rotate` function
 * (its own process, as in Lambda), a Secrets Manager proxy and one SQL proxy per database in
 * front of it, the interceptor that numbers their points, and the crash: when a point's action
 * comes due, both proxies freeze, the function's execution environment is killed (SIGKILL:
 * nothing after that point runs), and every connection it had is dropped, as a dead runtime's
 * are. The harness's own reads and the application's logins go straight to the local cloud and
 * the databases, around the proxies.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RunningDatabaseInfo } from '#local-cloud/databases/running-database.js';
import { createServerTls } from '#local-cloud/databases/tls.js';
import { type LocalStack, startLocalStack } from '#local-cloud/stack.js';
import type { RotationOutcome } from '#local-cloud/types.js';
import { Interceptor } from './interceptor.js';
import { SmProxy } from './sm-proxy.js';
import { SqlProxy } from './sql-proxy.js';

export type EngineKey = 'postgres' | 'mariadb';

/**
 * The rotate function's step budget in the harness: its 60 s timeout minus this margin (the
 * documented ROTASYNC_TIMEOUT_MARGIN_MS), so a hanging statement costs seconds, not a minute.
 */
const STEP_BUDGET_MS = 6_000;
const FUNCTION_TIMEOUT_MS = 60_000;

export interface RigOptions {
  readonly postgres: RunningDatabaseInfo;
  readonly mariadb: RunningDatabaseInfo;
  /**
   * Restarts a server for real (the full run owns its servers). Without one, a restart is
   * played by the proxy: every connection dropped, none accepted for 2 s.
   */
  readonly restarts?: Partial<Record<EngineKey, () => Promise<void>>>;
}

/** A secret's version as the harness reads it: id, stages and parsed value. */
export interface VersionState {
  readonly versionId: string;
  readonly username: string;
  readonly password: string;
}

export class Rig {
  public readonly interceptor: Interceptor;
  public readonly stack: LocalStack;
  /** The harness's own client: straight to the local cloud, patient under injected faults. */
  public readonly sm: SecretsManagerClient;
  public readonly servers: Readonly<Record<EngineKey, RunningDatabaseInfo>>;
  readonly #sqlProxies: Readonly<Record<EngineKey, SqlProxy>>;
  readonly #smProxy: SmProxy;
  readonly #dir: string;
  readonly #restarts: Partial<Record<EngineKey, () => Promise<void>>>;
  #crashing: Promise<void> | undefined;
  #lastRotatePayload: Record<string, unknown> | undefined;
  #crashes = 0;

  private constructor(parts: {
    interceptor: Interceptor;
    stack: LocalStack;
    sm: SecretsManagerClient;
    servers: Record<EngineKey, RunningDatabaseInfo>;
    sqlProxies: Record<EngineKey, SqlProxy>;
    smProxy: SmProxy;
    dir: string;
    restarts: Partial<Record<EngineKey, () => Promise<void>>>;
  }) {
    this.#restarts = parts.restarts;
    this.interceptor = parts.interceptor;
    this.stack = parts.stack;
    this.sm = parts.sm;
    this.servers = parts.servers;
    this.#sqlProxies = parts.sqlProxies;
    this.#smProxy = parts.smProxy;
    this.#dir = parts.dir;
    this.stack.functions.onInvoke((fn, payload) => {
      if (fn.key !== 'rotate') return;
      const event = payload as Record<string, unknown>;
      this.#lastRotatePayload = event;
      this.interceptor.step = String(event.Step);
    });
  }

  public static async start(options: RigOptions): Promise<Rig> {
    const dir = await mkdtemp(join(tmpdir(), 'rotasync-harness-'));
    const tls = await createServerTls(join(dir, 'tls'));
    const identity = {
      cert: await readFile(tls.certPath, 'utf8'),
      key: await readFile(tls.keyPath, 'utf8'),
    };
    const caFile = join(dir, 'proxy-ca.pem');
    await writeFile(caFile, tls.ca.certPem);
    const interceptor = new Interceptor();
    // The proxies call back into the rig once it exists.
    let rig: Rig | undefined;
    const onCrash = (): void => rig?.crash();
    const sqlProxy = (engine: EngineKey, server: RunningDatabaseInfo) =>
      SqlProxy.start({
        engine,
        upstream: { host: server.host, port: server.port, caPem: server.caCertPem ?? '' },
        identity,
        interceptor,
        onCrash,
      });
    const sqlProxies = {
      postgres: await sqlProxy('postgres', options.postgres),
      mariadb: await sqlProxy('mariadb', options.mariadb),
    };
    let cloudEndpoint = '';
    const smProxy = await SmProxy.start({ upstream: () => cloudEndpoint, interceptor, onCrash });
    const stack = await startLocalStack({
      environment: {
        // Only the function's Secrets Manager calls go through the proxy.
        AWS_ENDPOINT_URL_SECRETS_MANAGER: smProxy.endpoint,
        ROTASYNC_CA_BUNDLE: caFile,
        ROTASYNC_TIMEOUT_MARGIN_MS: String(FUNCTION_TIMEOUT_MS - STEP_BUDGET_MS),
      },
      functionConcurrency: 3,
    });
    cloudEndpoint = stack.cloud.endpoint;
    const sm = new SecretsManagerClient({
      endpoint: stack.cloud.endpoint,
      region: stack.region,
      // The local cloud checks no signature; the key names the caller in its request log.
      credentials: { accessKeyId: 'harness', secretAccessKey: 'harness' },
      maxAttempts: 10,
    });
    rig = new Rig({
      interceptor,
      stack,
      sm,
      servers: { postgres: options.postgres, mariadb: options.mariadb },
      sqlProxies,
      smProxy,
      dir,
      restarts: options.restarts ?? {},
    });
    await stack.functions.prewarm('rotate', stack.region, 2);
    return rig;
  }

  /** The SQL proxy in front of an engine's server: where secrets point. */
  public proxyFor(engine: EngineKey): SqlProxy {
    return this.#sqlProxies[engine];
  }

  /** Whether restartDatabase restarts `engine`'s server for real. */
  public restartsForReal(engine: EngineKey): boolean {
    return this.#restarts[engine] !== undefined;
  }

  /** Restarts `engine`'s database: for real when the rig can, else as the proxy plays it. */
  public async restartDatabase(engine: EngineKey): Promise<void> {
    const restart = this.#restarts[engine];
    if (restart) await restart();
    else await this.#sqlProxies[engine].outage(2_000);
  }

  /** How many times the function was crashed. */
  public get crashes(): number {
    return this.#crashes;
  }

  /** Resolves when the crash in progress (if any) is over. */
  public async crashSettled(): Promise<void> {
    await this.#crashing;
  }

  /** The event of the rotate invocation that started last (to retry a crashed step). */
  public lastRotateEvent(): Record<string, unknown> | undefined {
    return this.#lastRotatePayload;
  }

  /** Crashes the rotate function now (the proxies call this when a crash action comes due). */
  public crash(): void {
    if (this.#crashing) return;
    this.#crashes += 1;
    this.#smProxy.freeze();
    for (const proxy of Object.values(this.#sqlProxies)) proxy.freeze();
    this.#crashing = (async () => {
      await this.stack.functions.crash('rotate', this.stack.region);
      this.#smProxy.resetAll();
      for (const proxy of Object.values(this.#sqlProxies)) proxy.resetAll();
      // A warm environment for the resume, as Lambda would start one.
      void this.stack.functions.prewarm('rotate', this.stack.region, 2);
    })().finally(() => {
      this.#crashing = undefined;
    });
  }

  public async createSecret(name: string, value: Record<string, unknown>): Promise<string> {
    const created = await this.sm.send(
      new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
    );
    return created.ARN ?? name;
  }

  /**
   * RotateSecret, as a scheduler or an operator calls it, and the outcome of the rotation it
   * ran: a new one, or (while one is incomplete) the incomplete one again, as the service does.
   */
  public async rotate(arn: string): Promise<RotationOutcome> {
    const before = (await this.stack.cloud.rotationsSettled()).length;
    try {
      await this.sm.send(
        new RotateSecretCommand({
          SecretId: arn,
          RotationLambdaARN: this.stack.functionArn('rotate'),
          RotationRules: { AutomaticallyAfterDays: 30 },
        }),
      );
    } catch (error) {
      // "A previous rotation isn't complete. That rotation will be reattempted."
      if ((error as Error).name !== 'InvalidRequestException') throw error;
    }
    const outcomes = await this.stack.cloud.rotationsSettled();
    const mine = outcomes.slice(before).filter((outcome) => outcome.secretArn === arn);
    const outcome = mine.at(-1);
    if (!outcome) throw new Error('RotateSecret started no rotation');
    return outcome;
  }

  /** Invokes one step of the rotate function directly, as the service retries it. */
  public async invokeStep(event: Record<string, unknown>): Promise<string | undefined> {
    try {
      await this.stack.functions.invoke(this.stack.functionArn('rotate'), event, this.stack.region);
      return undefined;
    } catch (error) {
      return (error as Error).name;
    }
  }

  /** Version id → staging labels. */
  public async stages(arn: string): Promise<Record<string, string[]>> {
    const described = await this.sm.send(new DescribeSecretCommand({ SecretId: arn }));
    return described.VersionIdsToStages ?? {};
  }

  /** A stage's version, or `undefined` when no version has it. */
  public async read(arn: string, stage: string): Promise<VersionState | undefined> {
    try {
      const read = await this.sm.send(
        new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }),
      );
      const value = JSON.parse(read.SecretString ?? '{}') as Record<string, unknown>;
      return {
        versionId: read.VersionId ?? '',
        username: String(value.username),
        password: String(value.password),
      };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  public async stop(): Promise<void> {
    this.sm.destroy();
    await this.stack.stop();
    await this.#smProxy.close();
    await Promise.all(Object.values(this.#sqlProxies).map((proxy) => proxy.close()));
    await rm(this.#dir, { recursive: true, force: true });
  }
}
