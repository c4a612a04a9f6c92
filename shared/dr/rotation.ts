/** Whether a secret rotates, as the disaster-recovery functions judge it. */
import type { SecretMetadata } from '#shared/aws/secret-store.js';

/**
 * True when rotation is on with a rotation function. DescribeSecret says nothing about a secret
 * never configured for rotation, which the port reads as enabled (as the official templates
 * read RotationEnabled); without a function, nothing rotates it.
 */
export const rotatesWith = (secret: SecretMetadata, lambdaArn?: string): boolean =>
  secret.rotationEnabled &&
  secret.rotationLambdaArn !== undefined &&
  (lambdaArn === undefined || secret.rotationLambdaArn === lambdaArn);
