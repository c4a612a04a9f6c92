/**
 * The drill Lambda, invoked by hand or on its schedule in a recovery Region. Wiring only: clients
 * are made once per container; endpoints come from the SDK's AWS_ENDPOINT_URL_<SERVICE>.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { RdsApiDirectory } from '#shared/aws/rds-api-directory.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { readRegion } from '#shared/dr/config.js';
import { engineCredentialChecker } from '#shared/dr/credential-check.js';
import { drSecretStores } from '#shared/dr/stores.js';
import { engineFor } from '#shared/engines/index.js';
import { readConnectOptions, readInteger } from '#shared/env.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { loadReplicationConfig } from '#shared/replication/config.js';
import { buildDrillHandler } from './build-handler.js';

const region = readRegion(process.env);
const replication = loadReplicationConfig(process.env);
const knownValues = new KnownValues();
const stores = drSecretStores(region);

/** The Lambda entry point (functions/drill/handler.handler). */
export const handler = buildDrillHandler({
  deps: {
    secrets: (storeRegion) => rememberingStore(stores(storeRegion), knownValues),
    rds: new RdsApiDirectory(),
    credentials: engineCredentialChecker(engineFor, readConnectOptions(process.env)),
    endpointOverrides: replication.endpointOverrides,
    prefix: replication.replicatedSecretPrefix,
    maxLagSeconds: readInteger(process.env, 'ROTASYNC_DRILL_MAX_LAG_SECONDS', 300, 0, 86_400),
    warn: (message, details) => logger.warn(message, details),
  },
  region,
  logger,
  metrics: new Metrics(),
  knownValues,
});
