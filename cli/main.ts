/** The `rotasync` command's entry point: runs the command line with the real process. */
import { processIo } from './io.js';
import { runRotasync } from './program.js';

process.exitCode = await runRotasync(process.argv.slice(2), processIo());
