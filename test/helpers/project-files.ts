/** Reads files of the project (sample events, YAML) by their path from the repository root. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: this file lives in test/helpers/. */
const ROOT = new URL('../../', import.meta.url);

/** The absolute path of `path` (e.g. `events/rotate-create-secret.json`). */
export const projectPath = (path: string): string => fileURLToPath(new URL(path, ROOT));

/** The text of a project file. */
export const readProjectFile = (path: string): string => readFileSync(projectPath(path), 'utf8');
