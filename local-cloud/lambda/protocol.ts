/** Messages between the function host and a local execution environment (runtime-bootstrap.ts). */
export interface InvocationRequest {
  readonly id: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly payload: unknown;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadline: number;
  /** The ClientContext the caller sent (decoded JSON), for `context.clientContext`. */
  readonly clientContext?: unknown;
}

/** An error as the Node.js runtime reports it: `errorType`, `errorMessage`, stack lines. */
export interface InvocationError {
  readonly name: string;
  readonly message: string;
  /** The error's stack, one line per entry (the runtime's `trace`). */
  readonly trace?: readonly string[];
}

export type InvocationReply =
  | {
      readonly id: string;
      readonly ok: true;
      readonly result: unknown;
      /** What the function printed during this invocation (its tail only). */
      readonly log?: string;
    }
  | {
      readonly id: string;
      readonly ok: false;
      readonly error: InvocationError;
      readonly log?: string;
    };
