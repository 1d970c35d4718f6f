/**
 * The command line (yargs). The only place that turns errors into exit codes:
 *   0 nothing at or above --fail-on · 1 findings at or above it · 2 usage or input error ·
 *   3 incomplete (part of a live scan could not be read).
 * A user error is one line on stderr; a stack trace only with NHI_GUARD_DEBUG=1.
 */
import yargs, { type Argv } from 'yargs';
import { EngineError, IncompleteError, UserError, UserErrors, quote, stderrLine } from '../errors.js';
import { TOOL } from '../findings.js';
import { baselineCommand } from './baseline.js';
import { accessCommand } from './access.js';
import { checkCommand } from './check.js';
import { discoverConfig, readConfigFile } from './config.js';
import { driftCommand } from './drift.js';
import { inventoryCommand } from './inventory.js';
import { policiesCommand } from './policies.js';
import { reportCommand } from './report.js';
import { synthCommand } from './synth.js';
import { snapshotCommand } from './snapshot.js';
import { COMMANDS, optionNames, type Command } from './options.js';
import { nearest } from './suggest.js';
import { EXIT, processIo, type Io } from './io.js';

// Shared with the commands from a module of their own, so that no command imports this registry back.
export { EXIT, parseNow, processIo, type Io } from './io.js';

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
    .example('$0 check --plan plan.json --format sarif=nhi.sarif --format markdown=nhi.md --format text', 'one evaluation, three reports')
    .example('$0 check --plan plan.json --baseline nhi-baseline.json --fail-on high', 'gate a change on the findings it adds')
    .demandCommand(1, 'a command is required: access, check, baseline, drift, inventory, policies, report, snapshot or synth')
    .recommendCommands()
    .strict()
    .help()
    .version(TOOL.version)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(withSuggestion(msg ?? 'invalid usage'));
    });
}

/** The command a raw argument list runs (its first word), when it is one. */
export function commandOf(argv: string[]): Command | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  return (COMMANDS as readonly string[]).includes(first ?? '') ? (first as Command) : undefined;
}

let suggestFor: Command | undefined;

/** yargs' "Unknown argument: fial-on" with the option the user probably meant; a mistyped command named. */
function withSuggestion(msg: string): string {
  if (/^Did you mean /.test(msg)) return `unknown command; ${msg.replace(/^Did/, 'did')}`;
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return msg;
  // yargs names an unknown --fial-on twice, as fial-on and fialOn.
  const words = m[1]!.split(', ');
  const unknown = words.filter((w) => !(/[A-Z]/.test(w) && words.includes(w.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))));
  const names = suggestFor ? optionNames(suggestFor) : [];
  const hints = unknown.map((w) => {
    const n = nearest(w.replace(/^-+/, ''), names);
    return n ? `${w} (did you mean --${n}?)` : w;
  });
  return `unknown option${unknown.length === 1 ? '' : 's'}: ${hints.join(', ')}`;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  try {
    let helpShown = false;
    const command = commandOf(argv);
    const first = argv.find((a) => !a.startsWith('-'));
    if (first !== undefined && command === undefined) {
      const near = nearest(first, COMMANDS);
      throw new UserError(`unknown command ${quote(first)}${near ? `; did you mean ${near}?` : ''} (commands: ${COMMANDS.join(', ')})`);
    }
    suggestFor = command;
    const y = parser(io, (c) => (code = c));
    // Read before parsing, so that a bad config file is a UserError like any other input.
    const file = configFileOf(argv) ?? (command && !argv.includes('--help') ? discoverConfig(io.cwd ?? process.cwd()) : undefined);
    if (file && command) {
      const config = await readConfigFile(file, command);
      for (const n of config.notes) io.stderr(`nhi-guard: note: ${n}\n`);
      io.configured = config.keys;
      y.config(config.values);
    }
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
  if (e instanceof UserErrors) {
    for (const l of e.lines()) io.stderr(`nhi-guard: ${l}\n`);
    return EXIT.usage;
  }
  if (e instanceof UserError) {
    io.stderr(`nhi-guard: ${e.line()}\n`);
    return EXIT.usage;
  }
  if (e instanceof IncompleteError) {
    io.stderr(`nhi-guard: incomplete: ${stderrLine(e.message)}\n`);
    return EXIT.incomplete;
  }
  if (e instanceof EngineError) {
    io.stderr(`nhi-guard: policy engine: ${stderrLine(e.message)}\n`);
    return EXIT.usage;
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr(`nhi-guard: internal error: ${stderrLine(msg)} (set NHI_GUARD_DEBUG=1 for details and please report it)\n`);
  return EXIT.usage;
}
