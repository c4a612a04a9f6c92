/**
 * The Secrets Manager service behind the shared endpoint: JSON 1.1 protocol
 * (`X-Amz-Target: secretsmanager.<Operation>`), dispatch to the operations, error shape the SDK
 * and the AWS CLI understand, persistence before answering, and ApiCallRecord emission.
 */
import { randomUUID } from 'node:crypto';
import type {
  ApiCallRecord,
  ServiceHandler,
  ServiceRequest,
  ServiceResponse,
} from '#local-cloud/types.js';
import { ApiError, ErrorCode } from './errors.js';
import type { RotationStarter } from './operations/context.js';
import { CHANGING_OPERATIONS, operationNamed } from './operations/index.js';
import type { SecretsState } from './store.js';

export interface SecretsManagerServiceOptions {
  readonly state: SecretsState;
  readonly rotations: RotationStarter;
  /** Writes the state durably; called before a changing call is answered. */
  readonly persist: () => void;
  readonly emit: (record: ApiCallRecord) => void;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'secretsmanager.';
/** Never copied into an ApiCallRecord. */
const REDACTED_FIELDS = new Set(['SecretString', 'SecretBinary', 'RotationToken']);

const header = (request: ServiceRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The JSON 1.1 error answer: `__type` and `message`, and the `x-amzn-ErrorType` header. */
export const errorResponse = (
  error: ApiError,
  operation: string,
  secretId: string | undefined,
): ServiceResponse => ({
  status: error.status,
  headers: {
    'content-type': CONTENT_TYPE,
    'x-amzn-errortype': error.code,
    'x-amzn-requestid': randomUUID(),
  },
  body: JSON.stringify({ __type: error.code, message: error.message }),
  operation,
  secretId,
  outcome: error.code,
});

const parseBody = (body: Buffer): Record<string, unknown> => {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(ErrorCode.Serialization, 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(ErrorCode.Serialization, 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
};

/** The secret a request names, for the request log: SecretId, else Name. */
const namedSecret = (body: Record<string, unknown>): string | undefined => {
  const id = body.SecretId ?? body.Name;
  return typeof id === 'string' ? id : undefined;
};

const redact = (body: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!REDACTED_FIELDS.has(key)) out[key] = value;
  return out;
};

/** Builds the Secrets Manager ServiceHandler. */
export const createSecretsManagerService = (
  options: SecretsManagerServiceOptions,
): ServiceHandler => {
  const handleSync = (request: ServiceRequest): ServiceResponse => {
    const target = header(request, 'x-amz-target') ?? '';
    const operationName = target.startsWith(TARGET_PREFIX)
      ? target.slice(TARGET_PREFIX.length)
      : target;
    let secretId: string | undefined;
    try {
      const operation = operationNamed(operationName);
      // As the service answers an unknown X-Amz-Target: UnknownOperationException, HTTP 400.
      if (operation === undefined || !target.startsWith(TARGET_PREFIX)) {
        throw new ApiError(
          ErrorCode.UnknownOperation,
          `Unknown operation ${operationName || '(none)'}.`,
        );
      }
      const body = parseBody(request.body);
      secretId = namedSecret(body);
      const now = options.state.now();
      const store = options.state.region(request.region);
      const result = operation(body, {
        region: request.region,
        store,
        now,
        rotations: options.rotations,
      });
      if (result.changed) options.persist();
      if (CHANGING_OPERATIONS.has(operationName)) {
        options.emit({
          service: 'secretsmanager',
          operation: operationName,
          region: request.region,
          accountId: request.accountId,
          request: redact(body),
          response: result.response,
          at: new Date(now),
        });
      }
      return {
        status: 200,
        headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
        body: JSON.stringify(result.response),
        operation: operationName,
        secretId,
        outcome: 'ok',
      };
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error, operationName, secretId);
      // A bug in the emulator: say so on stderr (no request data) and answer as the service would.
      console.error(`local cloud: ${operationName} failed unexpectedly`, error);
      return errorResponse(
        new ApiError(ErrorCode.InternalServiceError, 'An error occurred on the server side.'),
        operationName,
        secretId,
      );
    }
  };
  return {
    handle: async (request) => handleSync(request),
  };
};
