/**
 * The rotation Lambda (single user, or alternating users for secrets with `masterarn`). Wiring
 * only: dependencies are built once per container, at cold start, and reused while it is warm.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lazyRdsDirectory } from '#shared/aws/lazy-rds-directory.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import { secretsManagerStores } from '#shared/aws/secrets-manager-store.js';

import { engineFor } from '#shared/engines/index.js';
import { KnownValues } from '#shared/known-values.js';
import { logger } from '#shared/logger.js';
import { emfMetrics } from '#shared/metrics.js';
import { createPasswordGenerator } from '#shared/passwords.js';
import { buildRotateHandler } from './build-handler.js';
import { readRotateConfig } from './config.js';
import { alternatingUsers } from './strategies/alternating-users.js';
import { strategyBySecret } from './strategies/by-secret.js';
import { singleUser } from './strategies/single-user.js';
import { superuserSecrets } from './superuser-secret.js';

const config = readRotateConfig(process.env);
const knownValues = new KnownValues();
// No endpoint here: the SDK reads AWS_ENDPOINT_URL_SECRETS_MANAGER (and _RDS) itself. The
// remembering store also reads the superuser secrets, so their passwords are scrubbed too.
const store = rememberingStore(secretsManagerStores()(process.env.AWS_REGION), knownValues);

/** The Lambda entry point (functions/rotate/handler.handler). */
export const handler = buildRotateHandler({
  deps: {
    store,
    engineFor,
    strategyFor: strategyBySecret({
      singleUser,
      alternatingUsers: alternatingUsers({
        superusers: superuserSecrets(store, lazyRdsDirectory()),
        engineFor,
      }),
    }),
    passwordPolicy: config.passwordPolicy,
    generatePassword: (policy) => createPasswordGenerator(policy)(),
    connect: { connectTimeoutMs: config.connectTimeoutMs, caBundle: config.caBundle },
    log: logger,
  },
  logger,
  knownValues,
  // Namespace and service from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME.
  metrics: emfMetrics(new Metrics()),
  timeoutMarginMs: config.timeoutMarginMs,
});
