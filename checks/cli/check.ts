import { compareWithBaseline } from '../baseline.js';
import { stderrLine, UserError } from '../errors.js';
import type { FindingsDocument } from '../findings.js';
import { isDirectory } from '../io/files.js';
import { ACCOUNT } from '../loaders/ownAccount.js';
import { runCheck, type SourceSpec } from '../run.js';
import { parseSeverityOverride, type RuleSelection } from '../selection.js';
import { parseNow, type Io } from './io.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';
import { emitReports, exitFor, reportTargets } from './output.js';
import { liveSpec, type LiveArgs } from './snapshot.js';

/** --own-account values, each a 12-digit account id (exit 2 otherwise). */
export function ownAccountsOf(values: string[] | undefined): string[] | undefined {
  if (!values?.length) return undefined;
  const out = values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of out) if (!ACCOUNT.test(v)) throw new UserError(`--own-account ${JSON.stringify(v).slice(0, 40)}: is not a 12-digit AWS account id`);
  return out;
}

export interface SourceArgs extends LiveArgs {
  synth?: string[];
  stack?: string[];
  plan?: string[];
  state?: string[];
  snapshot?: string[];
  tfDir?: string;
  ownAccount?: string[];
}

/** A cdktf output folder given with `flag`, checked to be a folder. */
export function synthSource(dir: string, flag: string, stacks?: string[]): SourceSpec {
  if (!isDirectory(dir)) throw new UserError(`is not a folder (${flag} expects a cdktf output folder such as cdktf.out)`, { file: dir });
  return { kind: 'synth', path: dir, ...(stacks?.length ? { stacks } : {}) };
}

export function sourcesOf(a: SourceArgs, io: Io): SourceSpec[] {
  const sources: SourceSpec[] = [];
  if (a.stack?.length && !a.synth?.length) throw new UserError('--stack selects stacks of a cdktf output: give --synth DIR');
  for (const dir of a.synth ?? []) sources.push(synthSource(dir, '--synth', a.stack));
  for (const f of a.plan ?? []) sources.push({ kind: 'plan', path: f, ...(a.tfDir ? { tfDir: a.tfDir } : {}) });
  for (const f of a.state ?? []) sources.push({ kind: 'state', path: f });
  for (const f of a.snapshot ?? []) sources.push({ kind: 'live', path: f });
  const live = liveSpec(a, io);
  if (live) sources.push({ kind: 'live', path: 'aws', live });
  return sources;
}

/** The parsed options that decide what is evaluated and reported (check, baseline, drift). */
export interface PolicyArgs {
  policyDir: string[];
  data?: string;
  waivers: string[];
  now?: string;
  rule?: string[];
  skipRule?: string[];
  severityOverride?: string[];
}

export interface CheckArgs extends SourceArgs, PolicyArgs {
  baseline?: string;
  sourceRoot?: string;
}

/** --rule, --skip-rule, --severity-override as a selection (patterns are checked against the pack later). */
export function selectionOf(a: PolicyArgs): RuleSelection {
  return {
    rule: a.rule ?? [],
    skipRule: a.skipRule ?? [],
    severityOverride: (a.severityOverride ?? []).map((s) => parseSeverityOverride(s)),
  };
}

/** Loads the sources, evaluates them once and, with --baseline, marks findings new or existing. */
export async function checkDocument(a: CheckArgs, io: Io, verb = 'check'): Promise<FindingsDocument> {
  const sources = sourcesOf(a, io);
  if (sources.length === 0) throw new UserError(`nothing to ${verb}: give --synth DIR, --plan FILE, --state FILE, --snapshot FILE or --live aws`);
  const now = parseNow(a.now);
  const selection = selectionOf(a);
  const ownAccounts = ownAccountsOf(a.ownAccount);
  const { document } = await runCheck({
    sources,
    now,
    ...(ownAccounts ? { ownAccounts } : {}),
    policyDirs: a.policyDir,
    dataFile: a.data,
    waiverFiles: a.waivers,
    selection,
    warn: (m) => io.stderr(`nhi-guard: warning: ${stderrLine(m)}\n`),
    ...(a.sourceRoot ? { sourceRoot: a.sourceRoot } : {}),
  });
  return a.baseline === undefined ? document : compareWithBaseline(document, a.baseline);
}

export function checkCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'check',
    describe: 'check declared identities (cdktf synth, terraform plan or state) against the policy pack',
    builder: (y) =>
      withOptions(y, 'check')
        .example('$0 check --synth cdktf.out', 'every stack of a cdktf output, as a text report')
        .example('$0 check --synth cdktf.out --stack legacy-hl7', 'one stack of it')
        .example('$0 check --plan plan.json --format sarif=nhi.sarif --format markdown=nhi.md --format text', 'one evaluation, three reports')
        .example('$0 check --plan plan.json --baseline nhi-baseline.json --fail-on high', 'fail on new high or critical findings only')
        .example('$0 check --plan plan.json --skip-rule "NHI-OWN-*" --severity-override NHI-EXP-004=info', 'leave out a family of rules, soften one'),
    handler: async (argv) => {
      const a: ArgsOf<'check'> = argv;
      const targets = reportTargets(a.format, a.output);
      const document = await checkDocument(a, io);
      await emitReports(document, targets, io, a.sourceRoot, a.failOn);
      exitFor(document, a.failOn, setExit);
    },
  });
}
