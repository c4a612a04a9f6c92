/**
 * Hostile input for the rotation function: its invocation event, the database secret it rotates,
 * the superuser secret `masterarn` names, and the password-policy tags. Each runs through the
 * real function code over the in-memory fakes (FakeSecretStore, FakeDatabase), which record every
 * write and every change to a database user.
 */
import { isDeepStrictEqual } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { buildRotateHandler } from '#functions/rotate/build-handler.js';
import { rotate } from '#functions/rotate/rotate.js';
import { rememberingStore } from '#shared/aws/remembering-store.js';
import {
  parseRotationEvent,
  ROTATION_STEPS,
  type RotationEvent,
  type RotationStep,
} from '#shared/inputs/rotation-event.js';
import { KnownValues } from '#shared/known-values.js';
import {
  createPasswordGenerator,
  DEFAULT_PASSWORD_POLICY,
  PASSWORD_POLICY_TAGS,
  type PasswordPolicy,
  SAFE_PUNCTUATION,
} from '#shared/passwords.js';
import { FakeDatabase } from '#test/fakes/fake-engine.js';
import { FakeRdsEndpointLookup } from '#test/fakes/fake-rds.js';
import type { FakeSecretStore } from '#test/fakes/fake-secret-store.js';
import { RecordingMetrics } from '#test/fakes/recording-metrics.js';
import {
  alternatingDatabase,
  alternatingDepsWith,
  alternatingSecret,
  alternatingStore,
  appSecret,
  CURRENT_PASSWORD,
  depsWith,
  MASTER_ARN,
  MASTER_PASSWORD,
  masterSecret,
  NEW_PASSWORD,
  plentyOfTime,
  rotatingStore,
  SECRET_ID,
  TOKEN,
} from '#test/fakes/rotation-fixtures.js';
import { lambdaContext } from '#test/helpers/lambda-context.js';
import { brokenVersionOf, hostileKey, hostileString, mutatedJson } from './arbitraries.js';
import { firstOf, type HostileInputTarget, leaked, untyped } from './target.js';

const CANARIES = [CURRENT_PASSWORD, NEW_PASSWORD, MASTER_PASSWORD];
const silentLogger = new Logger({ serviceName: 'rotasync', logLevel: 'SILENT' });
const context = lambdaContext('rotasync-harness-rotate');

const writesOf = (store: FakeSecretStore) =>
  store.calls.filter((call) => call.op === 'putValue' || call.op === 'promote');

const event = (Step: RotationStep): RotationEvent => ({
  Step,
  SecretId: SECRET_ID,
  ClientRequestToken: TOKEN,
});

/** An event for the secret under rotation, exactly: the only kind that may change anything. */
const isGenuine = (input: unknown): boolean => {
  try {
    const parsed = parseRotationEvent(input);
    return parsed.SecretId === SECRET_ID && parsed.ClientRequestToken === TOKEN;
  } catch {
    return false;
  }
};

/** Rotation events: valid ones mutated at 1..3 fields, and values that are no event at all. */
export const rotationEvents: HostileInputTarget<unknown> = {
  name: 'rotation events',
  description: 'the rotate handler chain (parse, gate, step) over fakes',
  arbitrary: fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...ROTATION_STEPS), fc.boolean())
        .chain(([step, withToken]) =>
          mutatedJson(
            {
              ...event(step),
              ...(withToken ? { RotationToken: 'rotation-token-0123' } : {}),
            },
            { paths: [['Step'], ['SecretId'], ['ClientRequestToken']] },
          ),
        )
        .map(({ value }) => value),
    },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: hostileString },
  ),
  runs: { reduced: 400, full: 20000 },
  open: async () => ({
    check: async (input) => {
      const store = rotatingStore(appSecret());
      const database = new FakeDatabase({ app: CURRENT_PASSWORD });
      const knownValues = new KnownValues();
      const deps = depsWith(store, database);
      const handler = buildRotateHandler({
        deps: { ...deps, store: rememberingStore(store, knownValues) },
        logger: silentLogger,
        knownValues,
        metrics: new RecordingMetrics(),
        timeoutMarginMs: 0,
      });
      const before = store.versionsOf(SECRET_ID);
      try {
        await handler(input as never, context);
      } catch (error) {
        return firstOf(
          untyped(error, ['InvalidEventError', 'SecretNotFoundError', 'VersionNotPendingError']),
          writesOf(store).length > 0 || !isDeepStrictEqual(store.versionsOf(SECRET_ID), before)
            ? 'a refused event wrote to Secrets Manager'
            : undefined,
          database.changes.length > 0 ? 'a refused event altered a database user' : undefined,
          leaked([String((error as Error).message)], CANARIES),
        );
      }
      return isGenuine(input) ? undefined : 'a hostile event was accepted';
    },
    close: async () => undefined,
  }),
};

/** The valid single-user secret the mutations start from. */
const SECRET_FIELDS = JSON.parse(appSecret()) as Record<string, unknown>;

/**
 * Runs createSecret, setSecret and testSecret in turn, as Secrets Manager would, stopping at the
 * first failure. A failed step must have written nothing and altered no user; a successful
 * createSecret must have staged the current JSON with only the password changed, and a successful
 * setSecret may have changed only the secret's own user's password.
 */
const rotateThrough = async (
  store: FakeSecretStore,
  database: FakeDatabase,
  deps: Parameters<typeof rotate>[1],
  current: string,
  allowedUsers: readonly string[],
): Promise<string | undefined> => {
  for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) {
    const writesBefore = writesOf(store).length;
    const changesBefore = database.changes.length;
    const versionsBefore = store.versionsOf(SECRET_ID);
    try {
      await rotate(event(step), deps, plentyOfTime);
    } catch (error) {
      return firstOf(
        untyped(error),
        writesOf(store).length > writesBefore ||
          !isDeepStrictEqual(store.versionsOf(SECRET_ID), versionsBefore)
          ? `${step} failed but wrote to Secrets Manager`
          : undefined,
        database.changes.length > changesBefore
          ? `${step} failed but altered ${database.changes
              .slice(changesBefore)
              .map((change) => change.user)
              .join(', ')}`
          : undefined,
        leaked([String((error as Error).message)], CANARIES),
      );
    }
    if (step === 'createSecret') {
      const staged = store.valueAt(SECRET_ID, 'AWSPENDING');
      const fields = JSON.parse(current) as Record<string, unknown>;
      const kept = JSON.stringify({ ...fields, password: JSON.parse(staged ?? '{}').password });
      const username = JSON.parse(staged ?? '{}').username;
      // Alternating users may switch the user name; nothing else may change.
      const expected =
        username === fields.username ? kept : JSON.stringify({ ...JSON.parse(kept), username });
      if (staged !== expected) return 'createSecret staged more than a new password';
    }
    const strangers = database.changes.filter((change) => !allowedUsers.includes(change.user));
    if (strangers.length > 0) {
      return `${step} altered a user the secret does not name: ${strangers[0]?.user ?? ''}`;
    }
  }
  return leaked(
    store.calls.map((call) => JSON.stringify(call)),
    [CURRENT_PASSWORD],
  );
};

/** Database secrets: the current version's JSON mutated, or not JSON at all. */
export const databaseSecrets: HostileInputTarget<string> = {
  name: 'database secrets',
  description: 'createSecret, setSecret, testSecret on a hostile AWSCURRENT (single user)',
  arbitrary: fc.oneof(
    {
      weight: 5,
      arbitrary: mutatedJson(SECRET_FIELDS, { max: 4 }).map(({ value }) => JSON.stringify(value)),
    },
    {
      // Still a valid secret, with hostile keys of the owner's: kept verbatim, never obeyed.
      weight: 2,
      arbitrary: mutatedJson(SECRET_FIELDS, { addOnly: true }).map(({ value }) =>
        JSON.stringify(value),
      ),
    },
    { weight: 1, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  ),
  runs: { reduced: 400, full: 20000 },
  open: async () => ({
    check: async (current) => {
      const store = rotatingStore(current);
      const database = new FakeDatabase({ app: CURRENT_PASSWORD });
      const deps = depsWith(store, database);
      // Only `app`, the user the valid secret names, exists: no other user can be altered.
      return rotateThrough(store, database, deps, current, ['app']);
    },
    close: async () => undefined,
  }),
};

const MASTER_FIELDS = JSON.parse(masterSecret()) as Record<string, unknown>;
const RDS_INSTANCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders';

/** A superuser secret and its tags, both hostile. */
interface SuperuserInput {
  readonly master: string;
  readonly tags: Record<string, string>;
  readonly masterarn: string;
}

/** Superuser secrets: `masterarn`'s value and tags mutated, and `masterarn` itself. */
export const superuserSecrets: HostileInputTarget<SuperuserInput> = {
  name: 'superuser secrets',
  description: 'alternating-users rotation with a hostile superuser secret, its tags and masterarn',
  arbitrary: fc.record({
    master: fc.oneof(
      {
        weight: 4,
        arbitrary: mutatedJson(MASTER_FIELDS, { max: 3 }).map(({ value }) => JSON.stringify(value)),
      },
      {
        // An RDS-managed master secret: only username and password, endpoint from its tag.
        weight: 2,
        arbitrary: mutatedJson({ username: 'postgres', password: MASTER_PASSWORD }).map(
          ({ value }) => JSON.stringify(value),
        ),
      },
      { weight: 1, arbitrary: hostileString },
    ),
    tags: fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'aws:rds:primaryDBInstanceArn',
          'AWS:RDS:PRIMARYDBCLUSTERARN',
          '__proto__',
          'constructor',
          'toString',
        ),
        hostileKey,
      ),
      fc.oneof(fc.constant(RDS_INSTANCE_ARN), hostileString),
      { maxKeys: 3 },
    ),
    masterarn: fc.oneof(
      { weight: 4, arbitrary: fc.constant(MASTER_ARN) },
      { weight: 1, arbitrary: hostileString },
      { weight: 1, arbitrary: brokenVersionOf(MASTER_ARN) },
    ),
  }),
  runs: { reduced: 400, full: 20000 },
  open: async () => ({
    check: async ({ master, tags, masterarn }) => {
      const current = alternatingSecret({ masterarn });
      const store = alternatingStore(current, master);
      store.setTags(MASTER_ARN, tags);
      const database = alternatingDatabase();
      const rds = new FakeRdsEndpointLookup().add('instance', RDS_INSTANCE_ARN, {
        host: 'db.internal',
        port: 5432,
        engine: 'postgres',
        hostnames: ['db.internal'],
      });
      const deps = alternatingDepsWith(store, database, { rds });
      return rotateThrough(store, database, deps, current, ['app', 'app_clone']);
    },
    close: async () => undefined,
  }),
};

const TAG_KEYS = Object.values(PASSWORD_POLICY_TAGS);

/** A tag key: a policy tag in any case, a misspelt one, or anything else. */
const policyTagKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TAG_KEYS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...TAG_KEYS), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }))
      .map(([key, upper]) => [...key].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
  },
  { weight: 1, arbitrary: brokenVersionOf('rotasync:password-length') },
  { weight: 1, arbitrary: hostileKey },
);

/** A tag value: lengths around the floor, booleans, characters to exclude, or anything. */
const policyTagValue = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -2, max: 40 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'TRUE', ' true ', 'yes', '1', '') },
  {
    weight: 2,
    arbitrary: fc
      .subarray([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'])
      .map((chars) => chars.join('')),
  },
  { weight: 2, arbitrary: hostileString },
);

/** The floor the README promises, computed here independently of shared/passwords.ts. */
const MIN_BITS = 96;

const strengthBits = (policy: PasswordPolicy): number => {
  const classes = [
    policy.excludeNumbers ? '' : '0123456789',
    policy.excludePunctuation ? '' : SAFE_PUNCTUATION,
    policy.excludeUppercase ? '' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    policy.excludeLowercase ? '' : 'abcdefghijklmnopqrstuvwxyz',
  ].join('');
  const alphabet = [...classes].filter((c) => !policy.excludeCharacters.includes(c)).length;
  return alphabet === 0 ? 0 : policy.length * Math.log2(alphabet);
};

const bool = fc.constantFrom('true', 'false', 'True', 'FALSE');

/** Tags of the right shapes, so that narrow-but-accepted policies come up often. */
const wellFormedPolicyTags: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      [PASSWORD_POLICY_TAGS.length]: fc.integer({ min: 1, max: 32 }).map(String),
      [PASSWORD_POLICY_TAGS.excludeCharacters]: fc
        .subarray([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'])
        .map((chars) => chars.join('')),
      [PASSWORD_POLICY_TAGS.excludeNumbers]: bool,
      [PASSWORD_POLICY_TAGS.excludePunctuation]: bool,
      [PASSWORD_POLICY_TAGS.excludeUppercase]: bool,
      [PASSWORD_POLICY_TAGS.excludeLowercase]: bool,
    },
    { requiredKeys: [] },
  )
  .filter((tags) => Object.keys(tags).length > 0)
  .map((tags) => tags as Record<string, string>);

/** Whether `policy` is at least as strict as `base`: never longer, never a character more. */
const narrowerThan = (policy: PasswordPolicy, base: PasswordPolicy): boolean =>
  policy.length <= base.length &&
  [...base.excludeCharacters].every((c) => policy.excludeCharacters.includes(c)) &&
  (!base.excludeNumbers || policy.excludeNumbers) &&
  (!base.excludePunctuation || policy.excludePunctuation) &&
  (!base.excludeUppercase || policy.excludeUppercase) &&
  (!base.excludeLowercase || policy.excludeLowercase);

/** Password-policy tags: createSecret refuses them before anything is written, or obeys them. */
export const passwordPolicyTags: HostileInputTarget<Record<string, string>> = {
  name: 'password-policy tags',
  description: 'createSecret with hostile rotasync:password-* tags and the real generator',
  arbitrary: fc.oneof(
    { weight: 3, arbitrary: wellFormedPolicyTags },
    {
      weight: 2,
      arbitrary: fc.dictionary(policyTagKey, policyTagValue, { minKeys: 1, maxKeys: 6 }),
    },
  ),
  runs: { reduced: 400, full: 20000 },
  open: async () => ({
    check: async (tags) => {
      const store = rotatingStore(appSecret());
      store.setTags(SECRET_ID, tags);
      const policies: PasswordPolicy[] = [];
      const deps = {
        ...depsWith(store, new FakeDatabase({ app: CURRENT_PASSWORD })),
        generatePassword: (policy: PasswordPolicy) => {
          policies.push(policy);
          return createPasswordGenerator(policy)();
        },
      };
      const before = store.versionsOf(SECRET_ID);
      try {
        await rotate(event('createSecret'), deps, plentyOfTime);
      } catch (error) {
        return firstOf(
          untyped(error, ['ConfigurationError']),
          store.calls.some((call) => call.op !== 'describe') ||
            !isDeepStrictEqual(store.versionsOf(SECRET_ID), before)
            ? 'refused tags, yet the secret was read or written'
            : undefined,
        );
      }
      const policy = policies[0];
      const password = JSON.parse(store.valueAt(SECRET_ID, 'AWSPENDING') ?? '{}').password;
      if (policy === undefined || typeof password !== 'string') return 'no password was staged';
      if (!narrowerThan(policy, DEFAULT_PASSWORD_POLICY)) return 'a tag widened the policy';
      if (strengthBits(policy) < MIN_BITS) {
        return `tags left a ${Math.floor(strengthBits(policy))}-bit policy`;
      }
      if (
        password.length !== policy.length ||
        [...password].some((c) => policy.excludeCharacters.includes(c))
      ) {
        return 'the staged password breaks the narrowed policy';
      }
      return undefined;
    },
    close: async () => undefined,
  }),
};
