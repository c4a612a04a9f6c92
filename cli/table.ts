/** Plain-text tables for people: aligned columns, a header row, no colour codes. */

/** Renders rows under headers, each column as wide as its widest cell, two spaces apart. */
export const renderTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string => {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
};

/** `2026-08-01 10:00 UTC`, or `-` for no date. */
export const formatDate = (date: Date | string | undefined | null): string => {
  if (date === undefined || date === null) return '-';
  const iso = typeof date === 'string' ? date : date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
};

/** A short human duration: `850 ms`, `12.3 s`, `4 min`, `3 h`, `2 d`. */
export const formatDuration = (ms: number): string => {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (abs < 2 * 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
};
