#!/usr/bin/env node
// The `rotasync` bin (package.json "bin"): runs the TypeScript sources of cli/ through tsx, so a
// fresh clone works right after `npm ci`, with no build step, and never runs stale code.
// `npm run build:cli` makes a self-contained bundle instead, for machines without the clone.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
