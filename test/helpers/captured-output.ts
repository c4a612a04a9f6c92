/** What a handler run in-process prints, for tests that read its log and EMF lines. */
import { vi } from 'vitest';

/**
 * Captures every write to stdout and stderr (Powertools log lines, EMF metrics) into the returned
 * array instead of printing it, until `vi.restoreAllMocks()`.
 */
export const captureOutput = (): string[] => {
  const output: string[] = [];
  const capture = (chunk: unknown): boolean => {
    output.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return output;
};
