import type { Argv, CommandModule } from 'yargs';
import { compareWithBaseline } from '../baseline.js';
import { UserError } from '../errors.js';
import type { FindingsDocument } from '../findings.js';
import { isDirectory } from '../io/files.js';
import { runCheck, type SourceSpec } from '../run.js';
import { commonOptions, liveOptions, parseNow, type Io } from './index.js';
import { emitReport, exitFor } from './output.js';
import { liveSpec, type LiveArgs } from './snapshot.js';

export interface SourceArgs extends LiveArgs {
  synth?: string[];
  plan?: string[];
  state?: string[];
  snapshot?: string[];
  tfDir?: string;
}

/** The declared-source options shared by check and inventory: repeatable and mixable. */
export function sourceOptions<T>(y: Argv<T>) {
  return y
    .option('synth', { type: 'string', array: true, describe: 'cdktf output folder (manifest.json + stacks), repeatable' })
    .option('plan', { type: 'string', array: true, describe: '`terraform show -json PLANFILE` output, repeatable' })
    .option('state', { type: 'string', array: true, describe: '`terraform show -json` state or a terraform.tfstate (v4), repeatable' })
    .option('tf-dir', { type: 'string', describe: "folder of the plan's root module .tf files (default: the plan file's folder)" });
}

/** The live sources shared by check and inventory: `--live aws` (with --region, --profile, --endpoint) and `--snapshot FILE`. */
export function liveSourceOptions<T>(y: Argv<T>) {
  return liveOptions(y).option('snapshot', { type: 'string', array: true, describe: 'live snapshot file (nhi-guard snapshot --output), repeatable' });
}

/** A cdktf output folder given with `flag`, checked to be a folder. */
export function synthSource(dir: string, flag: string): SourceSpec {
  if (!isDirectory(dir)) throw new UserError(`is not a folder (${flag} expects a cdktf output folder such as cdktf.out)`, { file: dir });
  return { kind: 'synth', path: dir };
}

export function sourcesOf(a: SourceArgs, io: Io): SourceSpec[] {
  const sources: SourceSpec[] = [];
  for (const dir of a.synth ?? []) sources.push(synthSource(dir, '--synth'));
  for (const f of a.plan ?? []) sources.push({ kind: 'plan', path: f, ...(a.tfDir ? { tfDir: a.tfDir } : {}) });
  for (const f of a.state ?? []) sources.push({ kind: 'state', path: f });
  for (const f of a.snapshot ?? []) sources.push({ kind: 'live', path: f });
  const live = liveSpec(a, io);
  if (live) sources.push({ kind: 'live', path: 'aws', live });
  return sources;
}

/** The parsed options of check (and baseline) that decide what is evaluated. */
export interface CheckArgs extends SourceArgs {
  policyDir: string[];
  data?: string;
  waivers: string[];
  now?: string;
  baseline?: string;
  sourceRoot?: string;
}

/** Loads the sources, evaluates them once and, with --baseline, marks findings new or existing. */
export async function checkDocument(a: CheckArgs, io: Io, verb = 'check'): Promise<FindingsDocument> {
  const sources = sourcesOf(a, io);
  if (sources.length === 0) throw new UserError(`nothing to ${verb}: give --synth DIR, --plan FILE, --state FILE, --snapshot FILE or --live aws`);
  const now = parseNow(a.now);
  const { document } = await runCheck({ sources, now, policyDirs: a.policyDir, dataFile: a.data, waiverFiles: a.waivers, ...(a.sourceRoot ? { sourceRoot: a.sourceRoot } : {}) });
  return a.baseline === undefined ? document : compareWithBaseline(document, a.baseline);
}

export function checkCommand(io: Io, setExit: (c: number) => void): CommandModule {
  return {
    command: 'check',
    describe: 'check declared identities (cdktf synth, terraform plan or state) against the policy pack',
    builder: (y) =>
      liveSourceOptions(sourceOptions(commonOptions(y))),
    handler: async (argv) => {
      const a = argv as unknown as CheckArgs & { format: string; output?: string; failOn: string; sourceRoot?: string };
      const document = await checkDocument(a, io);
      await emitReport(document, a.format, a.output, io, a.sourceRoot);
      exitFor(document, a.failOn, setExit);
    },
  };
}
