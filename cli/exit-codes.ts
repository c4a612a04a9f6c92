/**
 * What `rotasync` exits with. Scripts and compliance jobs read these, so each keeps one meaning.
 * The README's table is the user-facing copy.
 */
export const ExitCode = {
  /** Done, and nothing wanting found. */
  Ok: 0,
  /**
   * The command ran and found, or left, something wanting: `status --check` problems, a drill
   * not ready, a rotation that failed or was abandoned, drift a reconcile did not repair (or, with
   * `--dry-run`, found), a failover or failback that ended `failed`.
   */
  ProblemsFound: 1,
  /** The command line is wrong: unknown command or option, a missing or invalid value. */
  Usage: 2,
  /** An AWS call failed (credentials, access, throttling, not found) or a function failed. */
  AwsError: 3,
  /** Still unfinished when the wait ended (`--timeout`, `--max-wait`); it may yet finish. */
  Unfinished: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
