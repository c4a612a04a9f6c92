/**
 * The replicate Lambda, triggered by EventBridge rules on Secrets Manager events. Wiring only:
 * clients are made once per container and reused while it is warm; endpoints come from the
 * SDK's AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_RDS.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lazyRdsDirectory } from '#shared/aws/lazy-rds-directory.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { secretsManagerStores } from '#shared/aws/secrets-manager-store.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { loadReplicationConfig } from '#shared/replication/config.js';
import { buildReplicateHandler } from './build-handler.js';

const knownValues = new KnownValues();
const stores = secretsManagerStores();

/** The Lambda entry point (functions/replicate/handler.handler). */
export const handler = buildReplicateHandler({
  deps: {
    store: (region) => rememberingStore(stores(region), knownValues),
    rds: lazyRdsDirectory(),
    config: loadReplicationConfig(process.env),
  },
  logger,
  knownValues,
  metrics: emfMetrics(new Metrics()),
});
