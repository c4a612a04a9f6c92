/** The demo's printing: short lines, aligned labels, ✓/✗ marks. No secret value is ever printed. */
const useColour = process.stdout.isTTY && process.env.NO_COLOR === undefined;

const paint = (code: string, text: string): string =>
  useColour ? `\u001b[${code}m${text}\u001b[0m` : text;

export const bold = (text: string): string => paint('1', text);
export const dim = (text: string): string => paint('2', text);
export const ok = (text: string): string => paint('32', `✓ ${text}`);
export const refused = (text: string): string => paint('33', `✗ ${text}`);
export const failed = (text: string): string => paint('31', `✗ ${text}`);

export const heading = (text: string): void => {
  console.log(`\n${bold(text)}`);
};

/** One line with a fixed-width label column. */
export const line = (label: string, text: string): void => {
  console.log(`  ${label.padEnd(14)} ${text}`);
};

export const ms = (value: number): string => `${Math.round(value)} ms`;

/** A duration in the demo's words: `412 ms`, `1.2 s`. */
export const duration = (value: number): string =>
  value < 1000 ? ms(value) : `${(value / 1000).toFixed(1)} s`;
