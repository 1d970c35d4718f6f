/**
 * `nhi-guard snapshot --live aws --output FILE`: capture the live account as a schema-valid
 * Inventory (source `live`) for offline checks and drift (`--snapshot FILE`). Written atomically,
 * also when part of the account could not be read: then the gaps are in the file and the exit code is 3.
 * Also the live-source helpers shared by check, inventory and drift.
 */
import type { CommandModule } from 'yargs';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';
import { checkEndpoint, resolveRegion, type LiveOptions } from '../live/options.js';
import { progressFor } from '../live/progress.js';
import { assertValid } from '../schemas/index.js';
import { EXIT, parseNow, type Io } from './index.js';
import { withOptions } from './options.js';
import { assertComplete } from './output.js';

export interface LiveArgs {
  live?: 'aws';
  region?: string;
  profile?: string;
  endpoint?: string;
  timeout?: number;
}

/** The collector options of `--live aws`, or undefined without --live; --region etc. without --live is a usage error. */
export function liveSpec(a: LiveArgs, io: Io, now?: Date): LiveOptions | undefined {
  if (a.live === undefined) {
    // A region in the config file serves the live runs; only the command line's is a mistake here.
    const stray = (['region', 'profile', 'endpoint', 'timeout'] as const).find((k) => a[k] !== undefined && !io.configured?.has(k));
    if (stray) throw new UserError(`--${stray} needs --live aws`);
    return undefined;
  }
  if (a.timeout !== undefined && !(Number.isFinite(a.timeout) && a.timeout > 0 && a.timeout <= 600)) throw new UserError('--timeout must be a number of seconds between 0 and 600');
  const opts: LiveOptions = {
    region: resolveRegion(a.region, io.env),
    // A progress line only on an interactive terminal, on stderr.
    progress: progressFor({ isTTY: process.stderr.isTTY, write: io.stderr }),
  };
  if (a.profile !== undefined) {
    if (!a.profile.trim()) throw new UserError('--profile must not be empty');
    opts.profile = a.profile;
  }
  const endpoint = checkEndpoint(a.endpoint);
  if (endpoint) opts.endpoint = endpoint;
  if (a.timeout !== undefined) opts.timeoutMs = Math.round(a.timeout * 1000);
  if (now) opts.now = now;
  return opts;
}

export function snapshotCommand(io: Io, setExit: (c: number) => void): CommandModule {
  return {
    command: 'snapshot',
    describe: 'capture the live AWS account (read-only) as an Inventory file for offline check and drift',
    builder: (y) =>
      withOptions(y, 'snapshot')
        .example('$0 snapshot --live aws --region us-east-1 --output prod.json', 'capture the account for offline check and drift')
        .example('$0 snapshot --live aws --endpoint http://127.0.0.1:5000 --region us-east-1 --output moto.json', 'an AWS-compatible endpoint (moto)'),
    handler: async (argv) => {
      const a = argv as unknown as LiveArgs & { output?: string; now?: string };
      if (a.live !== 'aws') throw new UserError('snapshot needs --live aws');
      if (!a.output) throw new UserError('snapshot needs --output FILE');
      const opts = liveSpec(a, io, a.now === undefined ? undefined : parseNow(a.now))!;
      // The SDK is loaded only by the commands that collect.
      const { collectLive } = await import('../live/collect.js');
      const inv = await collectLive(opts);
      // The collector's own output must satisfy the schema the loader enforces.
      assertValid('inventory', inv, a.output);
      await writeFileAtomic(a.output, JSON.stringify(inv, null, 2) + '\n');
      assertComplete(inv);
      setExit(EXIT.ok);
    },
  };
}
