/**
 * Secrets Manager error codes and the exception the operations throw; the handler turns it into
 * the JSON 1.1 error shape (`__type` + `message`, header `x-amzn-ErrorType`) the SDK maps to its
 * typed exceptions. https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html
 */

/** Error codes the local Secrets Manager answers with. */
export const ErrorCode = {
  ResourceNotFound: 'ResourceNotFoundException',
  InvalidRequest: 'InvalidRequestException',
  InvalidParameter: 'InvalidParameterException',
  InvalidNextToken: 'InvalidNextTokenException',
  Validation: 'ValidationException',
  ResourceExists: 'ResourceExistsException',
  LimitExceeded: 'LimitExceededException',
  InternalServiceError: 'InternalServiceError',
  Throttling: 'ThrottlingException',
  Serialization: 'SerializationException',
  UnknownOperation: 'UnknownOperationException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
} as const;

/** An API error with its code, message and HTTP status (400, or 500 for InternalServiceError). */
export class ApiError extends Error {
  public readonly code: string;
  public readonly status: number;

  public constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status ?? (code === ErrorCode.InternalServiceError ? 500 : 400);
  }
}

/** The service's wording, kept in one place so operations and tests agree. */
export const Messages = {
  secretNotFound: "Secrets Manager can't find the specified secret.",
  markedForDeletion:
    "You can't perform this operation on the secret because it was marked for deletion.",
  previousRotationIncomplete:
    "A previous rotation isn't complete. That rotation will be reattempted.",
} as const;

/** ResourceNotFoundException with the service's message. */
export const notFound = (message: string = Messages.secretNotFound): ApiError =>
  new ApiError(ErrorCode.ResourceNotFound, message);

/** InvalidParameterException. */
export const invalidParameter = (message: string): ApiError =>
  new ApiError(ErrorCode.InvalidParameter, message);

/** InvalidRequestException. */
export const invalidRequest = (message: string): ApiError =>
  new ApiError(ErrorCode.InvalidRequest, message);

/** InvalidNextTokenException: a NextToken this endpoint did not issue. */
export const invalidNextToken = (): ApiError =>
  new ApiError(ErrorCode.InvalidNextToken, 'The NextToken value is invalid.');

/**
 * ValidationException for a member that breaks a constraint of the service model (required,
 * length, range, pattern, enum), in AWS's wording: `1 validation error detected: Value '4097' at
 * 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to
 * 4096`. `shown` is the `Value …` part, which the caller keeps free of secret material.
 */
export const constraintViolation = (shown: string, member: string, rule: string): ApiError =>
  new ApiError(
    ErrorCode.Validation,
    `1 validation error detected: ${shown} at '${member}' failed to satisfy constraint: Member must ${rule}`,
  );
