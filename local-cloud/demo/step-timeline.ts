/**
 * Reads the rotation function's own log lines (Powertools JSON, with `step` and `timestamp`
 * keys) to time each step and the moments that matter: when setSecret changed the password and
 * when finishSecret promoted the new version.
 */
export interface FunctionLogEntry {
  readonly timestamp: number;
  readonly message: string;
  readonly step: string | undefined;
  readonly secretId: string | undefined;
  /** The ARN the function was invoked as (Powertools' `function_arn`): which Region's function. */
  readonly functionArn: string | undefined;
  readonly level: string;
  readonly errorMessage: string | undefined;
}

/** Parses one line a function printed; `undefined` for anything that is not a JSON log entry. */
export const parseLogLine = (line: string): FunctionLogEntry | undefined => {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const error = entry.error as { message?: unknown } | undefined;
    return {
      timestamp: Date.parse(String(entry.timestamp)),
      message: String(entry.message ?? ''),
      step: typeof entry.step === 'string' ? entry.step : undefined,
      secretId: typeof entry.secretId === 'string' ? entry.secretId : undefined,
      functionArn: typeof entry.function_arn === 'string' ? entry.function_arn : undefined,
      level: String(entry.level ?? ''),
      errorMessage: typeof error?.message === 'string' ? error.message : undefined,
    };
  } catch {
    return undefined;
  }
};

/** Collects log entries per secret while rotations run. */
export class StepTimeline {
  readonly #entries: FunctionLogEntry[] = [];

  public record(line: string): void {
    const entry = parseLogLine(line);
    if (entry) this.#entries.push(entry);
  }

  /** Entries for `secretArn` logged at or after `since` (epoch ms). */
  public entriesFor(secretArn: string, since: number): FunctionLogEntry[] {
    return this.#entries.filter(
      (entry) => entry.secretId === secretArn && entry.timestamp >= since,
    );
  }

  /** The first entry whose message matches, for `secretArn` since `since`. */
  public first(secretArn: string, since: number, message: RegExp): FunctionLogEntry | undefined {
    return this.entriesFor(secretArn, since).find((entry) => message.test(entry.message));
  }
}
