/**
 * Where the command writes and what it reads from its process, behind one interface so tests run
 * it in-process: stdout for results (tables, or JSON only with --json), stderr for progress and
 * errors, the environment, the clock and sleeping.
 */

/** A text sink; `isTTY` tells whether a person is watching. */
export interface TextOutput {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface CliIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

const sink = (stream: NodeJS.WriteStream): TextOutput => ({
  write: (text) => {
    stream.write(text);
  },
  get isTTY() {
    return stream.isTTY === true;
  },
});

/** The real process: its streams, environment and clock. */
export const processIo = (): CliIo => ({
  stdout: sink(process.stdout),
  stderr: sink(process.stderr),
  env: process.env,
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
