/** Every Secrets Manager operation the local cloud answers, by name. */
import type { Operation } from './context.js';
import { createSecret } from './create-secret.js';
import { deleteSecret, restoreSecret } from './delete-secret.js';
import { describeSecret } from './describe-secret.js';
import { getRandomPassword } from './get-random-password.js';
import { listSecretVersionIds } from './list-secret-version-ids.js';
import { listSecrets } from './list-secrets.js';
import { putSecretValue } from './put-secret-value.js';
import { batchGetSecretValue, getSecretValue } from './read-value.js';
import { cancelRotateSecret, rotateSecret } from './rotate-secret.js';
import { tagResource, untagResource } from './tags.js';
import { updateSecret } from './update-secret.js';
import { updateSecretVersionStage } from './update-secret-version-stage.js';

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateSecret: createSecret,
  DescribeSecret: describeSecret,
  GetSecretValue: getSecretValue,
  BatchGetSecretValue: batchGetSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecret: updateSecret,
  UpdateSecretVersionStage: updateSecretVersionStage,
  ListSecrets: listSecrets,
  ListSecretVersionIds: listSecretVersionIds,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
  TagResource: tagResource,
  UntagResource: untagResource,
  GetRandomPassword: getRandomPassword,
  RotateSecret: rotateSecret,
  CancelRotateSecret: cancelRotateSecret,
};

/**
 * The operation called `name`, or `undefined`: an own property only, so a target such as
 * `secretsmanager.constructor` or `secretsmanager.__proto__` is an unknown operation, not a
 * function inherited from Object.prototype.
 */
export const operationNamed = (name: string): Operation | undefined =>
  Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;

/** Operations whose success is reported to `onApiCall` listeners (they can change a secret). */
export const CHANGING_OPERATIONS: ReadonlySet<string> = new Set([
  'CreateSecret',
  'PutSecretValue',
  'UpdateSecret',
  'UpdateSecretVersionStage',
  'DeleteSecret',
  'RestoreSecret',
  'TagResource',
  'UntagResource',
  'RotateSecret',
  'CancelRotateSecret',
]);
