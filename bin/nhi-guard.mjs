#!/usr/bin/env node
// nhi-guard command line: the CLI module (bundled from the TypeScript sources, see launch.mjs)
// owns exit codes.
import { loadCli } from './launch.mjs';

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
