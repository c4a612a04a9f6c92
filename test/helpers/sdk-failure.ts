/** What an AWS SDK call that must fail failed with: the error's name, HTTP status and message. */
export interface SdkFailure {
  readonly name: string;
  readonly status: number | undefined;
  readonly message: string;
}

/** Awaits `call` and resolves how it failed; rejects when it succeeded. */
export const failureOf = async (call: Promise<unknown>): Promise<SdkFailure> => {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('the call succeeded');
};
