#!/usr/bin/env node
// nhi-guard command line: the CLI module (bundled from the TypeScript sources, see launch.mjs)
// owns exit codes.
import { loadCli } from './launch.mjs';

let cli;
try {
  cli = await loadCli();
} catch (e) {
  // An incomplete installation (or a checkout whose sources do not load): one line, exit 2.
  process.stderr.write(`nhi-guard: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
