/** Messages between the function host and a local execution environment (runtime-bootstrap.ts). */
export interface InvocationRequest {
  readonly id: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly payload: unknown;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadline: number;
}

export type InvocationReply =
  | { readonly id: string; readonly ok: true; readonly result: unknown }
  | { readonly id: string; readonly ok: false; readonly error: { name: string; message: string } };
