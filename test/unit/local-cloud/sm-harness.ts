/** A Secrets Manager store driven through its operations, without HTTP, for unit tests. */
import type {
  OperationContext,
  RotationStarter,
} from '#local-cloud/secrets-manager/operations/context.js';
import { OPERATIONS } from '#local-cloud/secrets-manager/operations/index.js';
import { SecretsState } from '#local-cloud/secrets-manager/store.js';

export const REGION = 'us-east-1';
export const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
export const TOKEN_C = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

export interface Harness {
  readonly state: SecretsState;
  /** Moves the clock. */
  advance(ms: number): void;
  call(operation: string, body: Record<string, unknown>, region?: string): Record<string, unknown>;
  /** The error code `call` throws, or 'ok'. */
  codeOf(operation: string, body: Record<string, unknown>): string;
  readonly started: { region: string; arn: string; token: string; testOnly: boolean }[];
}

export const createHarness = (options: { canInvoke?: boolean; start?: number } = {}): Harness => {
  let now = options.start ?? Date.UTC(2026, 0, 1);
  const state = new SecretsState('123456789012', () => now);
  const started: Harness['started'] = [];
  const rotations: RotationStarter = {
    canInvoke: options.canInvoke ?? true,
    isRunning: () => false,
    start: (region, arn, token, testOnly) => started.push({ region, arn, token, testOnly }),
  };
  const call: Harness['call'] = (operation, body, region = REGION) => {
    const op = OPERATIONS[operation];
    if (op === undefined) throw new Error(`no operation ${operation}`);
    const context: OperationContext = { region, store: state.region(region), now, rotations };
    return op(body, context).response;
  };
  return {
    state,
    started,
    advance: (ms) => {
      now += ms;
    },
    call,
    codeOf: (operation, body) => {
      try {
        call(operation, body);
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    },
  };
};

/** VersionIdsToStages of `secretId`, from DescribeSecret. */
export const stagesMap = (h: Harness, secretId: string): Record<string, string[]> =>
  h.call('DescribeSecret', { SecretId: secretId }).VersionIdsToStages as Record<string, string[]>;

/** How many versions hold `label`. */
export const holdersOf = (h: Harness, secretId: string, label: string): string[] =>
  Object.entries(stagesMap(h, secretId))
    .filter(([, stages]) => stages.includes(label))
    .map(([id]) => id);
