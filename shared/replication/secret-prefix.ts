/**
 * The replicatedSecretPrefix scope. The replicate and reconcile roles allow only
 * `arn:…:secret:<prefix>*`, while the EventBridge rules and ListSecrets see every secret in the
 * Region, so a secret outside the prefix is left alone before any call: calling would only earn
 * an AccessDeniedException, retries and a dead letter.
 */

/** Why an event or a secret outside the prefix needs no replication. */
export const OUTSIDE_PREFIX_REASON = 'the secret is outside the replicated-secret prefix';

const ARN_RESOURCE = ':secret:';

/**
 * True when `secretId` (a name or an ARN) is under `prefix` as IAM's `secret:<prefix>*` pattern
 * sees it: an ARN's resource part (`<name>-<6 chars>`, after `:secret:`) or the name must start
 * with `prefix`. The empty prefix covers every secret.
 */
export const isUnderPrefix = (secretId: string, prefix: string): boolean => {
  if (prefix === '') return true;
  const at = secretId.startsWith('arn:') ? secretId.indexOf(ARN_RESOURCE) : -1;
  const resource = at < 0 ? secretId : secretId.slice(at + ARN_RESOURCE.length);
  return resource.startsWith(prefix);
};
