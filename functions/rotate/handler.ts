/**
 * The rotation Lambda (single user). Wiring only: dependencies are built once per container,
 * at cold start, and reused while it is warm.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rememberingStore } from '../../shared/aws/remembering-store.js';
import { SecretsManagerStore } from '../../shared/aws/secrets-manager-store.js';
import { readRotateConfig } from '../../shared/config.js';
import { engineFor } from '../../shared/engines/index.js';
import { KnownValues } from '../../shared/known-values.js';
import { logger } from '../../shared/logger.js';
import { createPasswordGenerator } from '../../shared/passwords.js';
import { buildRotateHandler } from './build-handler.js';
import { singleUser } from './strategies/single-user.js';

const config = readRotateConfig(process.env);
const knownValues = new KnownValues();

/** The Lambda entry point (functions/rotate/handler.handler). */
export const handler = buildRotateHandler({
  deps: {
    // No endpoint here: the SDK reads AWS_ENDPOINT_URL_SECRETS_MANAGER itself.
    store: rememberingStore(new SecretsManagerStore(new SecretsManagerClient({})), knownValues),
    engineFor,
    strategy: singleUser,
    generatePassword: createPasswordGenerator(config.passwordPolicy),
    connect: { connectTimeoutMs: config.connectTimeoutMs, caBundle: config.caBundle },
    log: logger,
  },
  logger,
  knownValues,
  timeoutMarginMs: config.timeoutMarginMs,
});
