/**
 * A small IAM evaluator for identity statements, enough to ask "may this role make this call?"
 * of the packaged roles: actions and resources with `*`/`?` wildcards, and the condition
 * operators the roles use. Follows the IAM policy evaluation rules for one policy set: an
 * explicit Deny wins, then any Allow whose action, resource and every condition match
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Statements must have had their intrinsics evaluated (cloudformation.ts `substitute`).
 */
import type { Statement } from './cloudformation.js';

/** One API call as IAM sees it: the action, the resource ARN and the request context. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  /**
   * Condition keys present in the request (aws:RequestedRegion, aws:ResourceTag/…, …); a list
   * for a multivalued key such as aws:TagKeys.
   */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

const asList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).map((item) => {
    if (typeof item !== 'string')
      throw new Error(`unevaluated policy value ${JSON.stringify(item)}`);
    return item;
  });

const glob = (pattern: string, value: string, caseless = false): boolean => {
  const source = pattern
    .split('')
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, caseless ? 'is' : 's').test(value);
};

type Test = (values: string[], actual: string | undefined) => boolean;

const OPERATORS: Record<string, Test> = {
  StringEquals: (values, actual) => actual !== undefined && values.includes(actual),
  // Negated operators match when the key is absent (IAM evaluates them as true).
  StringNotEquals: (values, actual) => actual === undefined || !values.includes(actual),
  StringLike: (values, actual) => actual !== undefined && values.some((v) => glob(v, actual)),
  StringNotLike: (values, actual) => actual === undefined || !values.some((v) => glob(v, actual)),
  ArnEquals: (values, actual) => actual !== undefined && values.includes(actual),
  ArnLike: (values, actual) => actual !== undefined && values.some((v) => glob(v, actual)),
  Null: (values, actual) => values.includes(String(actual === undefined)),
};

const conditionsHold = (
  statement: Statement,
  context: Readonly<Record<string, string | readonly string[]>>,
): boolean => {
  const lowered = new Map(
    Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]),
  );
  return Object.entries(statement.Condition ?? {}).every(([qualified, block]) => {
    // Set operators over a multivalued key: ForAllValues holds when every value (or none) matches.
    const [set, operator] = qualified.includes(':')
      ? (qualified.split(':', 2) as [string, string])
      : [undefined, qualified];
    if (set !== undefined && set !== 'ForAllValues' && set !== 'ForAnyValue') {
      throw new Error(`condition set operator ${set} is not supported here`);
    }
    const ifExists = operator.endsWith('IfExists');
    const test = OPERATORS[ifExists ? operator.slice(0, -'IfExists'.length) : operator];
    if (test === undefined) throw new Error(`condition operator ${operator} is not supported here`);
    return Object.entries(block).every(([key, values]) => {
      const actual = lowered.get(key.toLowerCase());
      if (set !== undefined) {
        const all = actual === undefined ? [] : typeof actual === 'string' ? [actual] : actual;
        return set === 'ForAllValues'
          ? all.every((value) => test(asList(values), value))
          : all.some((value) => test(asList(values), value));
      }
      if (typeof actual !== 'undefined' && typeof actual !== 'string') {
        throw new Error(`${key} has several values: use ForAllValues or ForAnyValue`);
      }
      if (ifExists && actual === undefined) return true;
      return test(asList(values), actual);
    });
  });
};

const matches = (statement: Statement, request: IamRequest): boolean =>
  asList(statement.Action).some((action) => glob(action, request.action, true)) &&
  asList(statement.Resource).some((resource) => glob(resource, request.resource)) &&
  conditionsHold(statement, request.context ?? {});

/** Whether `statements` allow `request`. */
export const isAllowed = (statements: readonly Statement[], request: IamRequest): boolean => {
  const applicable = statements.filter((statement) => matches(statement, request));
  return (
    applicable.some((statement) => statement.Effect === 'Allow') &&
    !applicable.some((statement) => statement.Effect === 'Deny')
  );
};
