import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError, oneLine } from '../errors.js';
import { PROJECT_ROOT } from '../engine/opaBinary.js';
import { EXIT, type Io } from './index.js';
import { withOptions } from './options.js';

/**
 * tsx runs the TypeScript app: a development tool, found next to the app or in a checkout of
 * nhi-guard, never installed with the package.
 */
function tsxCli(app: string): string {
  for (const from of [path.resolve(app), path.join(PROJECT_ROOT, 'package.json')]) {
    try {
      return createRequire(from).resolve('tsx/cli');
    } catch {
      // not installed there
    }
  }
  throw new UserError('synth runs a TypeScript cdktf app through tsx, which is not installed; add it to the app\'s project (npm install --save-dev tsx) or run `cdktf synth` and check its output with --synth', { file: app });
}

/** Runs the cdktf app in stacks/ directly (no terraform or cdktf CLI needed). */
export function synthCommand(io: Io, setExit: (c: number) => void): CommandModule {
  return {
    command: 'synth',
    describe: 'synthesize the cdktf app in stacks/ into cdktf.out/',
    builder: (y) =>
      withOptions(y, 'synth')
        .example('$0 synth', 'the bundled stacks into cdktf.out/')
        .example('$0 synth --app infra/main.ts --outdir infra/cdktf.out --quiet', 'your own cdktf app, silent on success'),
    handler: (argv) => {
      const a = argv as unknown as { outdir: string; app?: string; quiet: boolean };
      const app = a.app ?? path.join(PROJECT_ROOT, 'stacks', 'main.ts');
      const tsx = tsxCli(app);
      const r = spawnSync(process.execPath, [tsx, app], {
        encoding: 'utf8',
        env: { ...io.env, CDKTF_OUTDIR: path.resolve(a.outdir) },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.error) throw new UserError(`cannot run the cdktf app: ${r.error.message}`, { file: app });
      if (r.status !== 0) {
        const lines = (r.stderr ?? '').split('\n').filter((l) => l.trim());
        const line = lines.find((l) => l.startsWith('nhi-guard:')) ?? lines[lines.length - 1] ?? `exit ${r.status}`;
        throw new UserError(`synth failed: ${oneLine(line.replace(/^nhi-guard:\s*/, ''))}`, { file: app });
      }
      if (!a.quiet) io.stdout(`synthesized into ${path.resolve(a.outdir)}\n`);
      setExit(EXIT.ok);
    },
  };
}
