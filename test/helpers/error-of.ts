/** The Error a promise rejects with, for tests that assert on its name, message or cause. */
export const errorOf = async (run: Promise<unknown>): Promise<Error> => {
  try {
    await run;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a rejection');
};
