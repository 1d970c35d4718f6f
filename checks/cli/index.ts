/**
 * The command line (yargs). The only place that turns errors into exit codes:
 *   0 nothing at or above --fail-on · 1 findings at or above it · 2 usage or input error ·
 *   3 incomplete (part of a live scan could not be read).
 * A user error is one line on stderr; a stack trace only with NHI_GUARD_DEBUG=1.
 */
import yargs, { type Argv } from 'yargs';
import { EngineError, IncompleteError, UserError, oneLine } from '../errors.js';
import { SEVERITIES } from '../engine/metadata.js';
import { FORMATS } from '../../reports/index.js';
import { baselineCommand } from './baseline.js';
import { accessCommand } from './access.js';
import { checkCommand } from './check.js';
import { readConfigFile } from './config.js';
import { driftCommand } from './drift.js';
import { inventoryCommand } from './inventory.js';
import { policiesCommand } from './policies.js';
import { reportCommand } from './report.js';
import { synthCommand } from './synth.js';
import { snapshotCommand } from './snapshot.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, incomplete: 3 } as const;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export const processIo = (): Io => ({
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
});

/** Options shared by the commands that evaluate policies. */
export function commonOptions<T>(y: Argv<T>) {
  return y
    .option('config', { type: 'string', describe: 'defaults for these options from a YAML or JSON file (command-line options win; docs/config.md)' })
    .option('policy-dir', { type: 'string', array: true, default: [] as string[], describe: 'extra folder of Rego rules (repeatable)' })
    .option('data', { type: 'string', describe: 'policy data file (JSON or YAML) merged over the defaults' })
    .option('waivers', { type: 'string', array: true, default: [] as string[], describe: 'waivers file (YAML or JSON), repeatable; waived findings stay in the report and never fail the gate' })
    .option('format', { choices: FORMATS, default: 'text' as const, describe: 'report format' })
    .option('output', { type: 'string', describe: 'write the report to this file (atomically) instead of stdout' })
    .option('fail-on', { choices: [...SEVERITIES, 'none'] as const, default: 'high' as const, describe: 'exit 1 when a finding is at or above this severity' })
    .option('now', { type: 'string', describe: 'fixed clock, ISO-8601 (default: the current time)' })
    .option('baseline', { type: 'string', describe: 'findings document of an earlier run (e.g. the default branch, or `nhi-guard baseline`): findings are new, existing or resolved, and --fail-on gates on new findings only' })
    .option('source-root', { type: 'string', describe: 'sarif/github: file locations relative to this folder (default: the current folder)' });
}

/** Live AWS options (check, inventory, snapshot, drift): see checks/cli/snapshot.ts liveSpec(). */
export function liveOptions<T>(y: Argv<T>) {
  return y
    .option('live', { choices: ['aws'] as const, describe: 'read the live AWS account, read-only (docs/live.md)' })
    .option('region', { type: 'string', describe: 'live: AWS region (default AWS_REGION or AWS_DEFAULT_REGION)' })
    .option('profile', { type: 'string', describe: 'live: profile of the shared AWS config and credentials files' })
    .option('endpoint', { type: 'string', describe: 'live: AWS-compatible endpoint URL (e.g. a moto server)' })
    .option('timeout', { type: 'number', describe: 'live: seconds per AWS request before it is retried or recorded as a gap (default 30)' });
}

export function parseNow(v: string | undefined): Date {
  if (v === undefined) return new Date();
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (!ok || Number.isNaN(d.getTime())) throw new UserError(`--now ${JSON.stringify(v)} is not an ISO-8601 date or time`);
  return d;
}

export function parser(io: Io, setExit: (code: number) => void): Argv {
  return yargs()
    .scriptName('nhi-guard')
    .usage('$0 <command> [options]')
    .command(checkCommand(io, setExit))
    .command(baselineCommand(io, setExit))
    .command(driftCommand(io, setExit))
    .command(inventoryCommand(io, setExit))
    .command(accessCommand(io, setExit))
    .command(policiesCommand(io, setExit))
    .command(reportCommand(io, setExit))
    .command(synthCommand(io, setExit))
    .command(snapshotCommand(io, setExit))
    .demandCommand(1, 'a command is required: access, check, baseline, drift, inventory, policies, report, snapshot or synth')
    .strict()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(msg ?? 'invalid usage');
    });
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  try {
    let helpShown = false;
    // Read before parsing, so that a bad config file is a UserError like any other input.
    const config = configFileOf(argv);
    const y = parser(io, (c) => (code = c));
    if (config) y.config(await readConfigFile(config));
    await y.parseAsync(argv, {}, (err, _argv, output) => {
      if (output && !err) {
        helpShown = true;
        io.stdout(output + '\n');
      }
    });
    if (helpShown) return EXIT.ok;
    return code;
  } catch (e) {
    return reportError(e, io);
  }
}

/** The value of --config in raw arguments (the last one wins, as for any option). */
export function configFileOf(argv: string[]): string | undefined {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--config') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UserError('--config needs a file');
      file = next;
    } else if (a.startsWith('--config=')) file = a.slice('--config='.length);
  }
  return file;
}

export function reportError(e: unknown, io: Io): number {
  if (io.env.NHI_GUARD_DEBUG === '1' && e instanceof Error) io.stderr(`${e.stack}\n`);
  if (e instanceof UserError) {
    io.stderr(`nhi-guard: ${e.line()}\n`);
    return EXIT.usage;
  }
  if (e instanceof IncompleteError) {
    io.stderr(`nhi-guard: incomplete: ${oneLine(e.message)}\n`);
    return EXIT.incomplete;
  }
  if (e instanceof EngineError) {
    io.stderr(`nhi-guard: policy engine: ${oneLine(e.message)}\n`);
    return EXIT.usage;
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr(`nhi-guard: internal error: ${oneLine(msg)} (set NHI_GUARD_DEBUG=1 for details and please report it)\n`);
  return EXIT.usage;
}
