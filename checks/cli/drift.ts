/**
 * `nhi-guard drift`: what is declared (cdktf synth, a plan or state) against what exists (the
 * live account or a snapshot of it). Drift rules and the static rules on the live state give one
 * findings document; `--history DIR` keeps every run's JSON document and draws the trend;
 * `--split-by owner` writes one report per owner into the --output folder. With `--live aws --org`,
 * every account of the organization against its own declaration (checks/drift/org.ts).
 * Exit 3 when part of the account could not be read (after the report is written).
 */
import path from 'node:path';
import { appendHistory, readHistory, sincePrevious, trendOf, type HistoryEntry } from '../drift/history.js';
import { runDrift } from '../drift/run.js';
import { extensionOf, splitByOwner } from '../drift/split.js';
import { compareWithBaseline } from '../baseline.js';
import { stderrLine, UserError } from '../errors.js';
import type { FindingsDocument } from '../findings.js';
import { loadSource, loadSources, type SourceSpec } from '../run.js';
import { parseNow, type Io } from './io.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';
import { ownAccountsOf, selectionOf, synthSource } from './check.js';
import { emitReport, emitReports, exitFor, reportTargets } from './output.js';
import { liveSpec } from './snapshot.js';

/** drift's parsed options (typed from the option table). */
type DriftArgs = ArgsOf<'drift'>;

/** The declared side: one synth folder, or the plans (the states) of one or more stacks. */
export function declaredSpec(a: Pick<DriftArgs, 'declaredSynth' | 'declaredPlan' | 'declaredState'>): SourceSpec[] {
  const given = [a.declaredSynth, a.declaredPlan, a.declaredState].filter((x) => x !== undefined);
  if (given.length !== 1) throw new UserError('drift needs exactly one of --declared-synth DIR, --declared-plan FILE, --declared-state FILE');
  if (a.declaredSynth !== undefined) return [synthSource(a.declaredSynth, '--declared-synth')];
  return a.declaredPlan !== undefined ? a.declaredPlan.map((path) => ({ kind: 'plan', path })) : a.declaredState!.map((path) => ({ kind: 'state', path }));
}

export function driftCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'drift',
    describe: 'compare the declared identities with the live account (or a snapshot): shadow identities, permission, tag and rotation drift',
    builder: (y) =>
      withOptions(y, 'drift')
        .example('$0 drift --declared-synth cdktf.out --live aws --region us-east-1', 'what the stacks declare against the account')
        .example(
          '$0 drift --declared-plan plan.json --snapshot prod.json --format html=drift.html --history reports/',
          'offline, with the trend over earlier runs',
        )
        .example('$0 drift --declared-synth cdktf.out --snapshot prod.json --split-by owner --format markdown --output by-owner/', 'one report per owner')
        .example(
          '$0 drift --declared-plan radiology.json --declared-plan pharmacy.json --live aws --org --assume-role-name nhi-guard-scanner --accounts 111111111111,222222222222',
          'each account of the organization against its own declaration',
        ),
    handler: async (argv) => {
      const a: ArgsOf<'drift'> = argv;
      const declared = declaredSpec(a);
      if ((a.live === undefined) === (a.snapshot === undefined)) throw new UserError('drift needs exactly one live side: --live aws or --snapshot FILE');
      if (a.splitBy && !a.output) throw new UserError('--split-by owner needs --output DIR (the folder for the per-owner reports)');
      if (a.splitBy && Array.isArray(a.format) && a.format.length > 1) throw new UserError('--split-by owner writes one format: give a single --format');
      const targets = a.splitBy ? [] : reportTargets(a.format, a.output);
      const now = parseNow(a.now);
      const live = liveSpec(a, io, now);
      const ownAccounts = ownAccountsOf(a.ownAccount);
      const liveSource: SourceSpec = live ? { kind: 'live', path: 'aws', live } : { kind: 'live', path: a.snapshot! };
      const common = {
        declared,
        now,
        policyDirs: a.policyDir,
        dataFile: a.data,
        waiverFiles: a.waivers,
        selection: selectionOf(a),
        ...(ownAccounts ? { ownAccounts } : {}),
      };
      let document: FindingsDocument;
      if (live?.org) {
        // Every account of the organization against its own declaration, in one process (checks/drift/org.ts).
        const { runOrgDrift } = await import('../drift/org.js');
        document = await runOrgDrift({ ...common, live: () => loadSources(liveSource), ...(live.org.accounts ? { accounts: live.org.accounts } : {}) });
      } else document = (await runDrift({ ...common, live: () => loadSource(liveSource) })).document;
      if (a.baseline !== undefined) document = await compareWithBaseline(document, a.baseline);
      let history: HistoryEntry[] | undefined;
      if (a.history !== undefined) {
        history = await readHistory(a.history, (m) => io.stderr(`nhi-guard: warning: ${stderrLine(m)}\n`));
        document.trend = trendOf(history, document);
        const since = sincePrevious(history, document);
        if (since) document.sincePrevious = since;
        await appendHistory(a.history, document);
      }
      if (a.splitBy === 'owner') await writeSplit(document, history, a, io);
      else await emitReports(document, targets, io, a.sourceRoot, a.failOn);
      exitFor(document, a.failOn, setExit);
    },
  });
}

async function writeSplit(doc: FindingsDocument, history: HistoryEntry[] | undefined, a: DriftArgs, io: Io): Promise<void> {
  const dir = a.output!;
  const format = [a.format].flat()[0] ?? 'text';
  const parts = splitByOwner(doc, history);
  for (const p of parts) await emitReport(p.document, format, path.join(dir, `${p.name}.${extensionOf(format)}`), io, a.sourceRoot);
  io.stderr(`nhi-guard: ${parts.length} per-owner report(s) written to ${dir}\n`);
}
