/**
 * The public face of the local cloud: what tests, benchmarks, `npm start` and `npm run local`
 * use. Nothing in `functions/` or `shared/` imports anything from `local-cloud/`.
 */

/** One request as the request log keeps it: never a secret value. */
export interface RequestLogEntry {
  /** The AWS service the request was for, by its SigV4 name (`monitoring` is CloudWatch). */
  readonly service: 'secretsmanager' | 'rds' | 'monitoring' | 'lambda';
  /** The API operation, e.g. `GetSecretValue`. */
  readonly operation: string;
  /** The Region from the request's SigV4 credential scope. */
  readonly region: string;
  /**
   * The access key id that signed the request, standing for the caller's identity (as the
   * principal in CloudTrail); each local function signs with `local-<function key>`.
   */
  readonly caller: string | undefined;
  /**
   * The secret the request named (SecretId or Name as sent), when it named one; for RDS and
   * Lambda, the database or function named.
   */
  readonly secretId: string | undefined;
  /** `ok`, or the error code returned (`ResourceNotFoundException`, `ThrottlingException`, ...). */
  readonly outcome: string;
  readonly durationMs: number;
  readonly startedAt: Date;
}

export interface RequestLog {
  /** Every entry so far, oldest first. */
  entries(): readonly RequestLogEntry[];
  clear(): void;
}

/** Faults injected on demand, for reliability tests. */
export interface FaultSettings {
  /** Added to every request before it is handled. */
  readonly latencyMs?: number;
  /** Share of requests (0..1) answered with ThrottlingException (HTTP 400). */
  readonly throttleRate?: number;
  /** Share of requests (0..1) answered with HTTP 500 InternalServiceError. */
  readonly serverErrorRate?: number;
  /**
   * Enforce Secrets Manager's request-rate quotas, per Region and operation group (GetSecretValue
   * 10,000/s, DescribeSecret 40,000/s, the write group 50/s, BatchGetSecretValue and ListSecrets
   * 100/s, …: local-cloud/request-quotas.ts). A call over its quota is answered with
   * ThrottlingException (HTTP 400) before it changes anything. Off when absent.
   */
  readonly requestQuota?: RequestQuotaSettings;
}

/** The request-rate quota knob. */
export interface RequestQuotaSettings {
  /**
   * Multiplies every quota (default 1): 0.1 throttles at a tenth of the service's rates, so a
   * small local run meets the limits a large real one would.
   */
  readonly scale?: number;
}

export interface FaultInjector {
  /**
   * Replaces the standing fault settings, of every Region or only of `region` (a Region's own
   * settings replace those for every Region there).
   */
  set(settings: FaultSettings, region?: string): void;
  /**
   * Fails the next `count` calls of `operation` (e.g. `PutSecretValue`) with `errorCode`
   * (default `InternalServiceError`, HTTP 500), before they change anything; in every Region, or
   * only in `region` (e.g. to take one replica Region down).
   */
  failNext(operation: string, count: number, errorCode?: string, region?: string): void;
  /** Removes every fault. */
  clear(): void;
}

/** The rotation Lambda invocation, exactly as Secrets Manager sends it. */
export interface RotationInvocation {
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly RotationToken: string;
}

/**
 * Invokes a Lambda function by ARN, synchronously as Secrets Manager does, in the Region of the
 * secret. Rejects when the function fails.
 */
export type FunctionInvoker = (
  functionArn: string,
  payload: RotationInvocation,
  region: string,
) => Promise<void>;

/** How a rotation the local cloud ran ended. */
export interface RotationOutcome {
  readonly region: string;
  readonly secretArn: string;
  readonly token: string;
  /** The step that failed, or `undefined` when all four succeeded. */
  readonly failedStep: RotationInvocation['Step'] | undefined;
  /** The function's error message when a step failed. */
  readonly error: string | undefined;
  /** Each step invoked, in order, with how long its invocation took. */
  readonly steps?: readonly StepTiming[];
}

/** One rotation step's invocation, as the runner timed it. */
export interface StepTiming {
  readonly step: RotationInvocation['Step'];
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly ok: boolean;
}

/** A successful API call that changed something, for event delivery (no secret values). */
export interface ApiCallRecord {
  readonly service: 'secretsmanager';
  readonly operation: string;
  readonly region: string;
  readonly accountId: string;
  /** Request parameters as sent, with SecretString, SecretBinary and RotationToken removed. */
  readonly request: Readonly<Record<string, unknown>>;
  /** Response as returned (never carries values for write operations). */
  readonly response: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

export interface LocalCloudOptions {
  /** Loopback port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Persist every Region's state to this JSON file (atomic writes); in memory when absent. */
  readonly stateFile?: string;
  /** Account id in ARNs; default `123456789012`. */
  readonly accountId?: string;
  /** Invoked for rotation steps; without it RotateSecret that needs a function fails. */
  readonly invokeFunction?: FunctionInvoker;
  /** More services on the same endpoint, keyed by SigV4 service name (e.g. `rds`). */
  readonly extraServices?: Readonly<Record<string, ServiceHandler>>;
}

export interface LocalCloud {
  /** `http://127.0.0.1:<port>`: set AWS_ENDPOINT_URL_SECRETS_MANAGER (and _RDS) to it. */
  readonly endpoint: string;
  readonly accountId: string;
  readonly requestLog: RequestLog;
  readonly faults: FaultInjector;
  /** Resolves when every rotation started so far has ended, with their outcomes in order. */
  rotationsSettled(): Promise<readonly RotationOutcome[]>;
  /**
   * Seeds a secret that another AWS service owns (e.g. RDS's `rds!db-…` master secret with its
   * `aws:rds:primaryDBInstanceArn` tag), which the public API rightly refuses to create.
   */
  createServiceSecret(input: {
    readonly region: string;
    readonly name: string;
    readonly secretString: string;
    readonly tags: Readonly<Record<string, string>>;
  }): string;
  /**
   * Writes secrets straight into a Region's store, each with one AWSCURRENT version, as
   * CreateSecret would leave them, but with no request, event or request-log entry: how a
   * benchmark seeds tens of thousands of secrets in seconds. Resolves nothing; returns the ARNs
   * in order. Throws when a name is taken.
   */
  seedSecrets(
    region: string,
    secrets: readonly {
      readonly name: string;
      readonly secretString: string;
      readonly tags?: Readonly<Record<string, string>>;
    }[],
  ): string[];
  /** Calls `listener` after every successful changing API call and rotation outcome. */
  onApiCall(listener: (record: ApiCallRecord) => void): () => void;
  stop(): Promise<void>;
}

/** One HTTP request routed to a service by its SigV4 credential scope (`.../<region>/<service>/aws4_request`). */
export interface ServiceRequest {
  readonly region: string;
  readonly accountId: string;
  /** The HTTP method and the request target (path and query), for REST protocols (Lambda). */
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** What a service answers, plus what the request log records of it. */
export interface ServiceResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** For the request log: the operation, the secret or resource named, the outcome. */
  readonly operation: string;
  readonly secretId: string | undefined;
  readonly outcome: string;
}

/** A local AWS service behind the shared HTTP endpoint (Secrets Manager, RDS). */
export interface ServiceHandler {
  handle(request: ServiceRequest): Promise<ServiceResponse>;
  /**
   * Optional: the operation and resource a request names, for a REST protocol whose operation is
   * in the method and path (Lambda). Without it the server reads `X-Amz-Target` or `Action`.
   */
  identify?(request: { readonly method: string; readonly path: string }): {
    readonly operation: string;
    readonly resource: string | undefined;
  };
  /**
   * Optional: the largest request body the service reads (default 1 MiB, see server.ts) and the
   * error code a larger one is refused with (Lambda takes payloads of up to 6 MB).
   */
  readonly requestLimit?: { readonly bytes: number; readonly code: string };
  /**
   * Optional: the service's own error shape for an injected fault (e.g. XML for RDS). Without it
   * the server answers JSON `{"__type": code, "message": ...}` with `x-amzn-ErrorType`.
   */
  faultResponse?(fault: { code: string; status: number; message: string; operation: string }): {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  };
}
