/**
 * The harness's view of a rotation as a sequence of points: every Secrets Manager call and every
 * SQL statement the rotation function makes, in order, reported by the proxies in front of the
 * local cloud and the database. The interceptor counts them (a dry run) or acts at one of them:
 * crash before it, crash after it, or let it hang.
 */

/** What a point is: a Secrets Manager call or an SQL statement. */
export type PointKind = 'sm' | 'sql';

/** One point of a rotation, as the proxies see it (no values: operation or SQL keywords). */
export interface Point {
  readonly kind: PointKind;
  /** `GetSecretValue`, `ALTER ROLE`, … never a value. */
  readonly label: string;
  /** The rotation step being invoked when the point was reached. */
  readonly step: string;
}

/** What a proxy does with a point. */
export type Action =
  /** Forward it and its answer. */
  | 'pass'
  /** Never forward it; the function crashes. */
  | 'crash-before'
  /** Forward it, hold back the whole answer; the function crashes once the answer is in. */
  | 'crash-after'
  /** Never forward it and never answer: the statement hangs until the client gives up. */
  | 'hang';

/** What the interceptor is asked to do. */
export type Plan =
  | { readonly mode: 'off' }
  | { readonly mode: 'count' }
  | {
      readonly mode: 'act';
      /** The point to act at: its number since `arm`, or the first that matches. */
      readonly at: number | ((point: Point) => boolean);
      readonly action: Exclude<Action, 'pass'>;
      /** Called when the action is taken (e.g. to take the database down). */
      readonly onAct?: () => void;
    };

/** The proxies' shared judge: numbers points and says what to do at each. */
export class Interceptor {
  #plan: Plan = { mode: 'off' };
  #points: Point[] = [];
  #step = '';
  #acted: Point | undefined;

  /** The step the function is running (from the function host's invocation events). */
  public set step(step: string) {
    this.#step = step;
  }

  /** Starts numbering points from 0 under `plan`. */
  public arm(plan: Plan): void {
    this.#plan = plan;
    this.#points = [];
    this.#acted = undefined;
  }

  /** Stops numbering: every point passes. */
  public disarm(): void {
    this.#plan = { mode: 'off' };
  }

  /** The points seen since `arm`. */
  public points(): readonly Point[] {
    return this.#points;
  }

  /** The point the plan acted at, once it has. */
  public acted(): Point | undefined {
    return this.#acted;
  }

  /** Called by a proxy when the function reaches a point; returns what to do. */
  public decide(kind: PointKind, label: string): Action {
    const plan = this.#plan;
    if (plan.mode === 'off') return 'pass';
    const point: Point = { kind, label, step: this.#step };
    const index = this.#points.length;
    this.#points.push(point);
    const due =
      plan.mode === 'act' && (typeof plan.at === 'number' ? index === plan.at : plan.at(point));
    if (plan.mode === 'act' && due) {
      // Once only: what follows is the resume.
      this.#plan = { mode: 'off' };
      this.#acted = point;
      plan.onAct?.();
      return plan.action;
    }
    return 'pass';
  }
}

// Statements named by two keywords (ALTER ROLE, SHOW GRANTS); every other by its first.
const TWO_WORD = new Set(['ALTER', 'CREATE', 'DROP', 'SET', 'SHOW']);

/** A short, value-free name for an SQL statement: its leading keyword or two. */
export const statementLabel = (sql: string): string => {
  // MariaDB's per-statement time limit is a prefix: name the statement it wraps.
  const text = sql.replace(/^\s*SET\s+STATEMENT\s+.*?\s+FOR\s+/is, '').trimStart();
  const [first = '', second = ''] = text.split(/\s+/).map((word) => word.toUpperCase());
  if (!/^[A-Z_]+$/.test(first)) return 'statement';
  return TWO_WORD.has(first) && /^[A-Z_]+$/.test(second) ? `${first} ${second}` : first;
};
