#!/usr/bin/env node
// nhi-guard command line. TypeScript sources run through tsx; the CLI module owns exit codes.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../checks/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
