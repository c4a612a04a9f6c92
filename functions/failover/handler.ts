/**
 * The failover Lambda, invoked by hand (or by the rotasync command) in the Region to fail over
 * to. Wiring only: clients are made once per container; endpoints come from the SDK's
 * AWS_ENDPOINT_URL_<SERVICE>.
 */
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { readDefaultRotationRules, readRegion } from '#shared/dr/config.js';
import { engineCredentialChecker } from '#shared/dr/credential-check.js';
import { drSecretStores } from '#shared/dr/stores.js';
import { engineFor } from '#shared/engines/index.js';
import { readConnectOptions, readInteger } from '#shared/env.js';
import { ConfigurationError } from '#shared/errors.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { loadReplicationConfig } from '#shared/replication/config.js';
import { buildFailoverHandler } from './build-handler.js';

const region = readRegion(process.env);
const rotateFunctionName = process.env.ROTASYNC_ROTATE_FUNCTION_NAME ?? '';
if (!/^[A-Za-z0-9_-]{1,64}$/.test(rotateFunctionName)) {
  throw new ConfigurationError('ROTASYNC_ROTATE_FUNCTION_NAME must name the rotate function');
}
const knownValues = new KnownValues();
const stores = drSecretStores(region);

/** The Lambda entry point (functions/failover/handler.handler). */
export const handler = buildFailoverHandler({
  deps: {
    secrets: (storeRegion) => rememberingStore(stores(storeRegion), knownValues),
    sourceSecrets: stores,
    databases: new RdsApiDirectory(),
    credentials: engineCredentialChecker(engineFor, readConnectOptions(process.env)),
    defaultRotationRules: readDefaultRotationRules(process.env),
    prefix: loadReplicationConfig(process.env).replicatedSecretPrefix,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    warn: (message, details) => logger.warn(message, details),
  },
  region,
  rotateFunctionName,
  marginMs: readInteger(process.env, 'ROTASYNC_FAILOVER_MARGIN_MS', 10_000, 0, 900_000),
  maxWaitMs: 1000 * readInteger(process.env, 'ROTASYNC_FAILOVER_MAX_WAIT_SECONDS', 840, 0, 900),
  logger,
  knownValues,
});
