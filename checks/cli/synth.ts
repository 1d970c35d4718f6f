import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, UserErrors } from '../errors.js';
import { PROJECT_ROOT } from '../engine/opaBinary.js';
import { appErrorHookUrl, appFailure } from './appFailure.js';
import { EXIT, type Io } from './io.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';

/**
 * tsx's loader (`node --import tsx`) runs the TypeScript app: a development tool, found next to the
 * app or in a checkout of nhi-guard, never installed with the package.
 */
function tsxLoader(app: string): string {
  for (const from of [path.resolve(app), path.join(PROJECT_ROOT, 'package.json')]) {
    try {
      return pathToFileURL(createRequire(from).resolve('tsx')).href;
    } catch {
      // not installed there
    }
  }
  throw new UserError(
    "synth runs a TypeScript cdktf app through tsx, which is not installed; add it to the app's project (npm install --save-dev tsx) or run `cdktf synth` and check its output with --synth",
    { file: app },
  );
}

/** Runs the cdktf app in stacks/ directly (no terraform or cdktf CLI needed). */
export function synthCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'synth',
    describe: 'synthesize the cdktf app in stacks/ into cdktf.out/',
    builder: (y) =>
      withOptions(y, 'synth')
        .example('$0 synth', 'the bundled stacks into cdktf.out/')
        .example('$0 synth --app infra/main.ts --outdir infra/cdktf.out --quiet', 'your own cdktf app, silent on success'),
    handler: (argv) => {
      const a: ArgsOf<'synth'> = argv;
      const app = a.app ?? path.join(PROJECT_ROOT, 'stacks', 'main.ts');
      if (!existsSync(app)) throw new UserError('no such cdktf app', { file: app });
      const loader = tsxLoader(app);
      const r = spawnSync(process.execPath, ['--import', loader, '--import', appErrorHookUrl(), path.resolve(app)], {
        encoding: 'utf8',
        env: { ...io.env, CDKTF_OUTDIR: path.resolve(a.outdir) },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.error) throw new UserError(`cannot run the cdktf app: ${r.error.message}`, { file: app });
      if (r.status !== 0) {
        // The app's own words, every problem of it: one line each, naming the app.
        const problems = appFailure(r.stderr ?? '', r.status, io.cwd ?? process.cwd());
        throw new UserErrors(problems.map((p) => new UserError(p, { file: app })));
      }
      if (!a.quiet) io.stdout(`synthesized into ${path.resolve(a.outdir)}\n`);
      setExit(EXIT.ok);
    },
  });
}
