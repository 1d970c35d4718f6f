/**
 * `nhi-guard access`: the PHI access map of any sources (synth, plan, state, snapshot, live): per
 * data store of data-class phi or pii, who reaches it, at which levels, by which path, with owner
 * and last use. `--baseline` (an earlier access map, JSON) adds what the change gives or takes.
 * No policy is evaluated (opa is not needed); the facts are the ones NHI-LP-010/011 judge.
 */
import path from 'node:path';
import { accessDocument } from '../access/document.js';
import { accessDelta, loadAccessDocument } from '../access/delta.js';
import { renderAccess } from '../access/render.js';
import { BUILTIN_POLICY_DIR } from '../engine/index.js';
import { resolvePolicyConfig } from '../engine/policyData.js';
import { enrich } from '../enrich/index.js';
import { stderrLine, UserError } from '../errors.js';
import { isObject, readJson, writeFileAtomic } from '../io/files.js';
import { loadSource, type SourceSpec } from '../run.js';
import { ownAccountsOf, sourcesOf } from './check.js';
import { declaredSpec } from './drift.js';
import { namedAccounts } from '../loaders/ownAccount.js';
import { defineCommand, withOptions, type ArgsOf } from './options.js';
import { assertComplete } from './output.js';
import { EXIT, parseNow, type Io } from './io.js';

export function accessCommand(io: Io, setExit: (c: number) => void) {
  return defineCommand({
    command: 'access',
    describe: 'the PHI access map: who reaches which data store of data-class phi or pii, and how',
    builder: (y) =>
      withOptions(y, 'access')
        .example('$0 access --synth cdktf.out', 'who reaches which PHI store, and how')
        .example('$0 access --plan plan.json --baseline main-access.json', 'what a change gives or takes'),
    handler: async (argv) => {
      const a: ArgsOf<'access'> = argv;
      const sources = sourcesOf(a, io);
      if (sources.length === 0) throw new UserError('nothing to map: give --synth DIR, --plan FILE, --state FILE, --snapshot FILE or --live aws');
      // Drift as a source: the declared side given with --declared-*, the live side as --snapshot or --live aws.
      const drift = a.declaredSynth !== undefined || a.declaredPlan !== undefined || a.declaredState !== undefined;
      const declared: SourceSpec[] = drift ? declaredSpec(a) : [];
      if (drift && (sources.length !== 1 || sources[0]!.kind !== 'live'))
        throw new UserError('a drift access map compares the declaration with one live side: give --snapshot FILE or --live aws, and no other source');
      if (drift && a.baseline) throw new UserError('--baseline and --declared-* both give what the map is compared with: give one');
      const now = parseNow(a.now);
      const base = a.baseline ? await loadAccessDocument(a.baseline) : undefined;
      const defaultsFile = path.join(BUILTIN_POLICY_DIR, 'data.json');
      const bundleData = await readJson(defaultsFile);
      if (!isObject(bundleData)) throw new UserError('must be a JSON object', { file: defaultsFile, jsonPath: '$' });
      const config = await resolvePolicyConfig(bundleData, a.data);
      const inventories = [];
      const named = namedAccounts(ownAccountsOf(a.ownAccount), config.ownAccounts);
      const warn = (m: string) => io.stderr(`nhi-guard: warning: ${stderrLine(m)}\n`);
      for (const spec of sources) {
        inventories.push(await enrich(await loadSource(spec, { warn, named }), { config, now }));
      }
      const doc = accessDocument(inventories, { now });
      if (base && a.baseline) doc.delta = accessDelta(base.stores, doc.stores, a.baseline);
      if (drift) {
        const declaredInventories = [];
        for (const spec of declared) declaredInventories.push(await enrich(await loadSource(spec, { warn, named }), { config, now }));
        const declaredMap = accessDocument(declaredInventories, { now });
        // What the live side reaches beyond the declaration is gained; what only the declaration gives, lost.
        doc.delta = { ...accessDelta(declaredMap.stores, doc.stores, declared.map((d) => d.path).join(', ')), against: 'declaration' };
        doc.inputs = [...declaredMap.inputs, ...doc.inputs];
      }
      const text = renderAccess(a.format, doc);
      if (a.output) await writeFileAtomic(a.output, text);
      else io.stdout(text);
      for (const inv of inventories) assertComplete(inv);
      setExit(EXIT.ok);
    },
  });
}
