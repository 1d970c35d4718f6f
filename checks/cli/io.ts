/**
 * What every command shares with the CLI's entry point: the exit codes, the process's streams as
 * an `Io` (tests pass their own), and --now. The command registry (index.ts) imports the
 * commands; the commands import this, never the registry.
 */
import { UserError, quote } from '../errors.js';
import { parseInstant } from '../enrich/instant.js';
import type { OptionKey } from './options.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, incomplete: 3 } as const;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Where the config file is looked for (default: the process's current folder). */
  cwd?: string;
  /** Set by main(): the option keys (camel case) whose values came from the config file. */
  configured?: ReadonlySet<OptionKey>;
}

export const processIo = (): Io => ({
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
});

export function parseNow(v: string | undefined): Date {
  if (v === undefined) return new Date();
  const r = parseInstant(v);
  if ('problem' in r) throw new UserError(`--now ${quote(v)} ${r.problem}`);
  return new Date(r.ms);
}
