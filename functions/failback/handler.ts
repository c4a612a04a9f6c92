/**
 * The failback Lambda, invoked by hand in the promoted Region once the old one is back. Wiring
 * only: clients are made once per container; endpoints come from the SDK's
 * AWS_ENDPOINT_URL_<SERVICE>.
 */
import { lazyRdsDirectory } from '#shared/aws/lazy-rds-directory.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { secretsManagerStores } from '#shared/aws/secrets-manager-store.js';
import { readRegion } from '#shared/dr/config.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { loadReplicationConfig } from '#shared/replication/config.js';
import { buildFailbackHandler } from './build-handler.js';

const knownValues = new KnownValues();
const stores = secretsManagerStores();

/** The Lambda entry point (functions/failback/handler.handler). */
export const handler = buildFailbackHandler({
  deps: {
    secrets: (storeRegion) => rememberingStore(stores(storeRegion), knownValues),
    // Asked only for a secret without an endpoint tag or override: the RDS client (and its
    // CloudWatch companion) load on that first lookup, not at every cold start.
    rds: lazyRdsDirectory(),
    config: loadReplicationConfig(process.env),
    region: readRegion(process.env),
  },
  logger,
  knownValues,
});
