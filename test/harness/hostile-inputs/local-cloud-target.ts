/**
 * Hostile requests to the local cloud's endpoint, over HTTP: known and unknown targets, valid
 * request bodies mutated at random paths, bodies that are not JSON, odd Host and Content-Type
 * headers, odd Regions in the SigV4 scope. Every answer must be one of the service's error codes
 * (never a 5xx, never a dropped connection); an error must leave the state exactly as it was and
 * write nothing to disk; and whatever succeeded must survive the state file's round trip.
 *
 * The cloud is assembled from its parts here (as local-cloud/index.ts does) so the harness can
 * snapshot its state around each request.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { createFaultController } from '#local-cloud/faults.js';
import { createRequestLog } from '#local-cloud/request-log.js';
import { ErrorCode } from '#local-cloud/secrets-manager/errors.js';
import { createSecretsManagerService } from '#local-cloud/secrets-manager/handler.js';
import { OPERATIONS } from '#local-cloud/secrets-manager/operations/index.js';
import { RotationRunner } from '#local-cloud/secrets-manager/rotation.js';
import { snapshotState } from '#local-cloud/secrets-manager/snapshot.js';
import { SecretsState } from '#local-cloud/secrets-manager/store.js';
import { startServer } from '#local-cloud/server.js';
import { rawRequest } from '#test/helpers/raw-request.js';
import { hostileString, mutatedJson } from './arbitraries.js';
import type { HostileInputTarget } from './target.js';

const ACCOUNT_ID = '123456789012';
const SECRET = 'harness/app';
const TOKEN = 'harness-token-0000000000000000000000001';

/** A valid request body per operation: the starting point of the mutations. */
const VALID_BODIES: Readonly<Record<string, Record<string, unknown>>> = {
  CreateSecret: {
    Name: 'harness/new',
    SecretString: '{"password":"x"}',
    Tags: [{ Key: 'k', Value: 'v' }],
  },
  DescribeSecret: { SecretId: SECRET },
  GetSecretValue: { SecretId: SECRET, VersionStage: 'AWSCURRENT' },
  BatchGetSecretValue: { SecretIdList: [SECRET] },
  PutSecretValue: { SecretId: SECRET, SecretString: 'v2', ClientRequestToken: TOKEN },
  UpdateSecret: { SecretId: SECRET, Description: 'described' },
  UpdateSecretVersionStage: { SecretId: SECRET, VersionStage: 'STAGE', MoveToVersionId: TOKEN },
  ListSecrets: { Filters: [{ Key: 'name', Values: ['harness/'] }], MaxResults: 10 },
  ListSecretVersionIds: { SecretId: SECRET, IncludeDeprecated: true },
  DeleteSecret: { SecretId: SECRET, RecoveryWindowInDays: 7 },
  RestoreSecret: { SecretId: SECRET },
  TagResource: { SecretId: SECRET, Tags: [{ Key: 'team', Value: 'db' }] },
  UntagResource: { SecretId: SECRET, TagKeys: ['team'] },
  GetRandomPassword: { PasswordLength: 20, ExcludeCharacters: '"\'' },
  RotateSecret: {
    SecretId: SECRET,
    RotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:x',
  },
  CancelRotateSecret: { SecretId: SECRET },
};

/** The valid body of `operation` (an own key only: hostile names include `constructor`). */
const validBodyOf = (operation: string): Record<string, unknown> =>
  (Object.hasOwn(VALID_BODIES, operation) ? VALID_BODIES[operation] : undefined) ?? {
    SecretId: SECRET,
  };

/** Every code a refusal may carry: the service's, and the endpoint's own. */
const KNOWN_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode),
  'AccessDeniedException',
  'RequestEntityTooLargeException',
  'UnknownServiceException',
  'InvalidSignatureException',
]);

/** What an HTTP header may carry (Node refuses to send anything else). */
const HEADER_SAFE = /^[\t\x20-\x7e]*$/;
const headerSafe = (text: fc.Arbitrary<string>) =>
  text.filter((value) => HEADER_SAFE.test(value) && value.length < 4000);

export interface LocalCloudRequest {
  readonly operation: string;
  readonly body: string;
  readonly host: string | undefined;
  readonly contentType: string;
  readonly region: string;
  readonly service: string;
}

const loopback = (port: number, host: string | undefined): string | undefined =>
  host?.replace('{port}', String(port));

const requests: fc.Arbitrary<LocalCloudRequest> = fc
  .oneof(
    { weight: 8, arbitrary: fc.constantFrom(...Object.keys(VALID_BODIES)) },
    {
      weight: 1,
      arbitrary: headerSafe(
        fc.oneof(
          fc.constantFrom(
            'constructor',
            '__proto__',
            'toString',
            'hasOwnProperty',
            '',
            'getSecretValue',
          ),
          hostileString,
        ),
      ),
    },
  )
  .chain((operation) =>
    fc.record({
      operation: fc.constant(operation),
      body: fc.oneof(
        {
          weight: 6,
          arbitrary: mutatedJson(validBodyOf(operation), { max: 3 }).map(({ value }) =>
            JSON.stringify(value),
          ),
        },
        { weight: 1, arbitrary: hostileString },
        { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
      ),
      host: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('127.0.0.1:{port}', 'localhost:{port}', '[::1]') },
        { weight: 1, arbitrary: headerSafe(hostileString) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/x-amz-json-1.1') },
        { weight: 1, arbitrary: headerSafe(hostileString) },
      ),
      region: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('us-east-1', 'eu-west-1') },
        {
          weight: 1,
          arbitrary: headerSafe(
            fc.oneof(fc.constantFrom('__proto__', 'constructor', 'US-EAST-1', 'x'), hostileString),
          ).filter((region) => !/[/,\s]/.test(region) && region.length > 0),
        },
      ),
      service: fc.oneof(
        { weight: 12, arbitrary: fc.constant('secretsmanager') },
        { weight: 1, arbitrary: fc.constantFrom('constructor', '__proto__', 'rds', 'kms') },
      ),
    }),
  );

/** The number of secrets in memory and in the state file's document. */
const secretCounts = (state: SecretsState) => {
  const inMemory = [...state.regions()].reduce((sum, store) => sum + store.all().length, 0);
  const document = JSON.parse(JSON.stringify(snapshotState(state))) as {
    regions: Record<string, unknown[]>;
  };
  const onDisk = Object.values(document.regions).reduce((sum, list) => sum + list.length, 0);
  return { inMemory, onDisk };
};

/** The state without Regions that hold nothing (a request may look a Region up). */
const meaningful = (state: SecretsState): unknown =>
  Object.entries(snapshotState(state).regions)
    .filter(([, secrets]) => secrets.length > 0)
    .sort(([a], [b]) => a.localeCompare(b));

export const localCloudRequests: HostileInputTarget<LocalCloudRequest> = {
  name: 'local cloud requests',
  description: 'raw HTTP to the local Secrets Manager: targets, bodies, Host, Content-Type, Region',
  arbitrary: requests,
  runs: { reduced: 500, full: 10000 },
  open: async () => {
    const state = new SecretsState(ACCOUNT_ID);
    let persisted = 0;
    const persist = (): void => {
      persisted += 1;
    };
    const rotations = new RotationRunner({
      state,
      invoke: undefined,
      onStateChange: persist,
      onOutcome: () => undefined,
    });
    const server = await startServer({
      port: 0,
      accountId: ACCOUNT_ID,
      services: {
        secretsmanager: createSecretsManagerService({
          state,
          rotations,
          persist,
          emit: () => undefined,
        }),
      },
      faults: createFaultController(),
      log: createRequestLog(1000),
    });
    const send = (request: LocalCloudRequest) => {
      const host = loopback(server.port, request.host);
      return rawRequest({
        port: server.port,
        headers: {
          ...(host === undefined ? {} : { host }),
          'content-type': request.contentType,
          'x-amz-target': `secretsmanager.${request.operation}`,
          authorization: `AWS4-HMAC-SHA256 Credential=harness/20260101/${request.region}/${request.service}/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: request.body,
      });
    };
    const seed = async (): Promise<void> => {
      const base = {
        host: '127.0.0.1:{port}',
        contentType: 'application/x-amz-json-1.1',
        region: 'us-east-1',
        service: 'secretsmanager',
      };
      const created = await send({
        ...base,
        operation: 'CreateSecret',
        body: JSON.stringify({ Name: SECRET, SecretString: 'v1' }),
      });
      if (created.status !== 200) throw new Error(`seeding failed: ${created.body}`);
    };
    await seed();
    return {
      check: async (request) => {
        const before = meaningful(state);
        const persistedBefore = persisted;
        let answer: Awaited<ReturnType<typeof send>>;
        try {
          answer = await send(request);
        } catch (error) {
          return `no answer: ${error instanceof Error ? error.message : String(error)}`;
        }
        if (answer.status >= 500) return `HTTP ${answer.status} ${answer.code ?? ''}`;
        if (answer.status === 200) {
          const { inMemory, onDisk } = secretCounts(state);
          if (inMemory !== onDisk)
            return `a secret would be lost by the state file (${inMemory} in memory, ${onDisk} in the document)`;
          try {
            JSON.parse(answer.body);
          } catch {
            return 'a success that is not JSON';
          }
          return undefined;
        }
        if (![400, 403, 413].includes(answer.status)) return `unexpected HTTP ${answer.status}`;
        // Node's own HTTP parser answers a request it cannot read with a bare 400.
        if (answer.code === undefined && answer.body !== '') return 'an error without a code';
        if (answer.code !== undefined && !KNOWN_CODES.has(answer.code)) {
          return `an unknown error code ${answer.code}`;
        }
        if (!isDeepStrictEqual(meaningful(state), before))
          return `${answer.code ?? 'a refusal'} changed the state`;
        if (persisted !== persistedBefore)
          return `${answer.code ?? 'a refusal'} wrote the state file`;
        return undefined;
      },
      close: () => server.close(),
    };
  },
};

/** The operations the local cloud implements have a valid body here (a guard for the list). */
export const operationsWithoutBody = (): string[] =>
  Object.keys(OPERATIONS).filter((operation) => !Object.hasOwn(VALID_BODIES, operation));
