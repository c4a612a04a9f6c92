/**
 * The rotation Lambda's invocation, as Secrets Manager sends it
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda.html).
 * Parsed before any AWS call; a bad field fails here, named but never echoed.
 */
import { InvalidEventError } from '#shared/errors.js';

/** The four rotation steps, spelled as Secrets Manager sends them. */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/** One of the four rotation steps. */
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** A validated rotation invocation. */
export interface RotationEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  /** Only for cross-account or assumed-role rotation; passed on to PutSecretValue. */
  readonly RotationToken?: string;
}

// Printable ASCII only: no control characters, so no value can forge a log line (CWE-117).
const PRINTABLE = /^[ -~]+$/;

interface Limits {
  readonly min: number;
  readonly max: number;
}

const LIMITS = {
  SecretId: { min: 1, max: 2048 },
  // The token becomes the VersionId: 32..64 characters.
  ClientRequestToken: { min: 32, max: 64 },
  // Opaque and undocumented in length: a generous cap keeps a hostile event small.
  RotationToken: { min: 1, max: 8192 },
} as const satisfies Record<string, Limits>;

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

const readText = (event: Record<string, unknown>, field: keyof typeof LIMITS): string => {
  const value = event[field];
  if (value === undefined || value === null) {
    throw new InvalidEventError(field, `field "${field}" is missing`);
  }
  if (typeof value !== 'string') {
    throw new InvalidEventError(field, `field "${field}" is not a string`);
  }
  const { min, max } = LIMITS[field];
  if (value.length < min || value.length > max) {
    throw new InvalidEventError(field, `field "${field}" must be ${min} to ${max} characters long`);
  }
  if (!PRINTABLE.test(value)) {
    throw new InvalidEventError(
      field,
      `field "${field}" contains characters outside printable ASCII`,
    );
  }
  return value;
};

const isRotationStep = (value: string): value is RotationStep =>
  (ROTATION_STEPS as readonly string[]).includes(value);

const readStep = (event: Record<string, unknown>): RotationStep => {
  const value = event.Step;
  if (typeof value === 'string' && isRotationStep(value)) return value;
  const problem = value === undefined || value === null ? 'is missing' : 'is not a rotation step';
  throw new InvalidEventError('Step', `field "Step" ${problem} (${ROTATION_STEPS.join(', ')})`);
};

/**
 * Validates an invocation of unknown shape. Throws InvalidEventError naming the first bad field
 * (missing, not a string, wrong length, unprintable, unknown step); the message never holds the
 * field's value.
 *
 * @example
 * parseRotationEvent({ Step: 'createSecret', SecretId: 'arn:…', ClientRequestToken: token });
 */
export const parseRotationEvent = (input: unknown): RotationEvent => {
  if (!isRecord(input)) throw new InvalidEventError('event', 'the event is not a JSON object');
  const Step = readStep(input);
  const SecretId = readText(input, 'SecretId');
  const ClientRequestToken = readText(input, 'ClientRequestToken');
  if (input.RotationToken === undefined || input.RotationToken === null) {
    return { Step, SecretId, ClientRequestToken };
  }
  return { Step, SecretId, ClientRequestToken, RotationToken: readText(input, 'RotationToken') };
};
