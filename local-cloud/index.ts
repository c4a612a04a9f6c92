/**
 * The local cloud: one loopback HTTP endpoint serving Secrets Manager (and the extra services the
 * caller adds, such as RDS), with durable state, fault injection, a request log and rotation.
 */
import { createFaultController } from './faults.js';
import { readJsonState, writeJsonStateAtomically } from './persistence.js';
import { createRequestLog } from './request-log.js';
import { createSecretsManagerService } from './secrets-manager/handler.js';
import { RotationRunner } from './secrets-manager/rotation.js';
import { createServiceSecret } from './secrets-manager/service-secret.js';
import { restoreState, snapshotState } from './secrets-manager/snapshot.js';
import { SecretsState } from './secrets-manager/store.js';
import { startServer } from './server.js';
import { tapText } from './taps.js';
import type { ApiCallRecord, LocalCloud, LocalCloudOptions } from './types.js';

export type * from './types.js';

const DEFAULT_ACCOUNT_ID = '123456789012';

/**
 * Starts the local cloud on 127.0.0.1 and resolves once it listens. With `stateFile`, the state
 * saved there is loaded first and every change is written back before it is acknowledged.
 * @example
 * const cloud = await startLocalCloud({ invokeFunction });
 * const sm = new SecretsManagerClient({ endpoint: cloud.endpoint, region: 'us-east-1' });
 */
export const startLocalCloud = async (options: LocalCloudOptions = {}): Promise<LocalCloud> => {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const state = new SecretsState(accountId);
  const stateFile = options.stateFile;
  if (stateFile !== undefined) {
    const saved = readJsonState(stateFile);
    if (saved !== undefined) restoreState(state, saved);
  }
  const persist = (): void => {
    if (stateFile !== undefined) writeJsonStateAtomically(stateFile, snapshotState(state));
  };

  const listeners = new Set<(record: ApiCallRecord) => void>();
  const emit = (record: ApiCallRecord): void => {
    // The local CloudTrail: what AWS would record of the call, readable by many in an account.
    tapText('api-call', record.region, () => JSON.stringify(record));
    for (const listener of listeners) {
      try {
        listener(record);
      } catch (error) {
        // A listener's bug must not turn a successful call into a failed one.
        console.error('local cloud: an onApiCall listener threw', error);
      }
    }
  };

  const rotations = new RotationRunner({
    state,
    invoke: options.invokeFunction,
    onStateChange: persist,
    onOutcome: (outcome, testOnly, functionArn) => {
      const succeeded = outcome.failedStep === undefined;
      const operation = `${testOnly ? 'Test' : ''}Rotation${succeeded ? 'Succeeded' : 'Failed'}`;
      emit({
        service: 'secretsmanager',
        operation,
        region: outcome.region,
        accountId,
        request: { SecretId: outcome.secretArn },
        // CloudTrail's wording for a failed rotation; the function's own message stays out of it.
        response: succeeded
          ? {}
          : {
              errorMessage: `Error when executing lambda ${functionArn} during ${outcome.failedStep} step`,
            },
        at: new Date(),
      });
    },
  });

  const faults = createFaultController();
  const requestLog = createRequestLog();
  const server = await startServer({
    port: options.port ?? 0,
    accountId,
    services: {
      ...options.extraServices,
      secretsmanager: createSecretsManagerService({ state, rotations, persist, emit }),
    },
    faults,
    log: requestLog,
  });

  return {
    endpoint: server.endpoint,
    accountId,
    requestLog,
    faults,
    rotationsSettled: () => rotations.settled(),
    createServiceSecret: (input) => {
      const arn = createServiceSecret(state, input);
      persist();
      return arn;
    },
    seedSecrets: (region, secrets) => {
      const arns = secrets.map((secret) =>
        createServiceSecret(state, {
          region,
          name: secret.name,
          secretString: secret.secretString,
          tags: secret.tags ?? {},
        }),
      );
      persist();
      return arns;
    },
    onApiCall(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    stop: () => server.close(),
  };
};
