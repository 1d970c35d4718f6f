/**
 * In-process measurement of the check pipeline on one plan file, run by bench/run.ts in a child
 * process per plan size (so one size's heap never weighs on the next and the peak RSS is per size).
 *
 * Each repetition: the floor (read + JSON.parse of the file alone), then the real modules of the
 * pipeline: engine load from the warm cache (compilePack cache hit + WASM instantiation + data),
 * loadSource, enrich (catalog facts), the access map, the access
 * document the findings document carries, policyInput (serialization) and engine.evaluate. Medians after a warm-up.
 * With --write-input DIR it also writes the enriched policy input and the data the engine passes
 * (data.json with nhi.config and nhi.meta), for `opa eval` on exactly the same input.
 *
 * Prints a line per finished stage ({run, stage, ms}) and, last, the result object, on stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadEngine } from '../checks/engine/index.js';
import { metaData } from '../checks/engine/metadata.js';
import { accessDocument } from '../checks/access/document.js';
import { compactAccess } from '../checks/access/summary.js';
import { enrichFacts, withAccess } from '../checks/enrich/index.js';
import { loadSource, policyInput } from '../checks/run.js';

export interface StageTimes {
  read: number;
  parse: number;
  floor: number;
  engine: number;
  load: number;
  /** Enrichment without the access map: governance, usage, IAM catalog facts, store targets. */
  enrich: number;
  /** The PHI access map (checks/access/compute.ts) and the facts the rules read from it. */
  access: number;
  /** The access map document and the compact map the findings document carries (checks/access/document.ts, summary.ts). */
  accessDoc: number;
  serialize: number;
  evaluate: number;
  total: number;
}

export interface MeasureResult {
  file: string;
  bytes: number;
  reps: number;
  warmup: number;
  /** True when the warm-up run was too slow to repeat within the budget: it is the only sample. */
  fromWarmup: boolean;
  /** Median of each stage over the measured repetitions, in milliseconds. */
  median: StageTimes;
  /** Every measured repetition. */
  runs: StageTimes[];
  findings: number;
  identities: number;
  credentials: number;
  policies: number;
  unknowns: number;
  inputBytes: number;
  /** process.resourceUsage().maxRSS at the end, bytes (all repetitions). */
  maxRssBytes: number;
  cacheHit: boolean;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** One line per finished stage on stdout, so that a run killed by its timeout still tells where the time went. */
function stage(run: number, name: string, value: number): void {
  process.stdout.write(JSON.stringify({ run, stage: name, ms: value }) + '\n');
}

async function floorOf(file: string, run: number): Promise<{ read: number; parse: number }> {
  let t0 = process.hrtime.bigint();
  const text = await readFile(file, 'utf8');
  const read = ms(t0);
  stage(run, 'read', read);
  t0 = process.hrtime.bigint();
  const parsed: unknown = JSON.parse(text);
  const parse = ms(t0);
  stage(run, 'parse', parse);
  if (parsed === null) throw new Error('unreachable');
  return { read, parse };
}

async function once(
  file: string,
  now: Date,
  writeInput?: string,
  run = 0,
  skipEvaluate = false,
): Promise<{
  t: StageTimes;
  findings: number;
  inv: { identities: number; credentials: number; policies: number; unknowns: number };
  inputBytes: number;
  cacheHit: boolean;
}> {
  // The floor in a function of its own: its text and parsed tree are garbage before the pipeline
  // runs, as in a real run (kept alive, they would weigh on every later stage's collections).
  const { read, parse } = await floorOf(file, run);
  let t0 = process.hrtime.bigint();
  const engine = await loadEngine({});
  const engineMs = ms(t0);
  stage(run, 'engine', engineMs);
  t0 = process.hrtime.bigint();
  const raw = await loadSource({ kind: 'plan', path: file });
  const load = ms(t0);
  stage(run, 'load', load);
  t0 = process.hrtime.bigint();
  const inv = await enrichFacts(raw, { config: engine.config, now });
  const enrichMs = ms(t0);
  stage(run, 'enrich', enrichMs);
  t0 = process.hrtime.bigint();
  withAccess(inv, { config: engine.config, now });
  const access = ms(t0);
  stage(run, 'access', access);
  t0 = process.hrtime.bigint();
  const summary = compactAccess(accessDocument([inv], { now, dataClass: 'phi', routes: 'indirect' }).stores);
  const accessDoc = ms(t0);
  stage(run, 'accessDoc', accessDoc);
  if (summary === null) throw new Error('unreachable');
  t0 = process.hrtime.bigint();
  const input = policyInput('plan', inv, now, [], { compact: engine.builtinOnly });
  const serialize = ms(t0);
  stage(run, 'serialize', serialize);
  if (writeInput) {
    // Written before evaluating, so that opa eval can run on it even when the WASM run is stopped.
    const pack = engine.pack;
    const data = { ...pack.data, nhi: { ...(pack.data.nhi as object), config: engine.config, meta: metaData(pack.rules) } };
    writeFileSync(path.join(writeInput, 'data.json'), JSON.stringify(data));
    writeFileSync(path.join(writeInput, 'input.json'), input);
  }
  let found: unknown[] = [];
  let evaluate = NaN;
  if (!skipEvaluate) {
    t0 = process.hrtime.bigint();
    found = engine.evaluate(input);
    evaluate = ms(t0);
    stage(run, 'evaluate', evaluate);
  }
  return {
    t: {
      read,
      parse,
      floor: read + parse,
      engine: engineMs,
      load,
      enrich: enrichMs,
      access,
      accessDoc,
      serialize,
      evaluate,
      total: engineMs + load + enrichMs + access + accessDoc + serialize + evaluate,
    },
    findings: skipEvaluate ? NaN : found.length,
    inv: { identities: inv.identities.length, credentials: inv.credentials.length, policies: inv.policies.length, unknowns: inv.unknowns.length },
    inputBytes: Buffer.byteLength(input),
    cacheHit: engine.pack.cacheHit,
  };
}

export async function measure(
  file: string,
  opts: { reps: number; warmup: number; now: Date; writeInput?: string; budgetMs?: number; skipEvaluate?: boolean },
): Promise<MeasureResult> {
  const bytes = readFileSync(file).byteLength;
  const started = Date.now();
  let last: Awaited<ReturnType<typeof once>> | undefined;
  let warmupRun: StageTimes | undefined;
  let n = 0;
  for (let i = 0; i < opts.warmup; i++) {
    last = await once(file, opts.now, i === 0 ? opts.writeInput : undefined, n++, opts.skipEvaluate);
    warmupRun ??= last.t;
  }
  // Fewer repetitions when they would not fit the budget (slow sizes); at least one sample.
  let reps = opts.reps;
  if (opts.budgetMs !== undefined && warmupRun) {
    const left = opts.budgetMs - (Date.now() - started);
    const per = Object.entries(warmupRun)
      .filter(([k, v]) => k !== 'total' && k !== 'read' && k !== 'parse' && Number.isFinite(v))
      .reduce((a, [, v]) => a + v, 0);
    reps = Math.min(reps, Math.max(0, Math.floor(left / Math.max(1, per))));
  }
  const runs: StageTimes[] = [];
  for (let i = 0; i < reps; i++) {
    last = await once(file, opts.now, opts.warmup === 0 && i === 0 ? opts.writeInput : undefined, n++, opts.skipEvaluate);
    runs.push(last.t);
  }
  const fromWarmup = runs.length === 0;
  if (fromWarmup) runs.push(warmupRun!);
  const keys = Object.keys(runs[0]!) as Array<keyof StageTimes>;
  const med = Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as StageTimes;
  return {
    file,
    bytes,
    reps: fromWarmup ? 0 : runs.length,
    warmup: opts.warmup,
    fromWarmup,
    median: med,
    runs,
    findings: last!.findings,
    ...last!.inv,
    inputBytes: last!.inputBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cacheHit: last!.cacheHit,
  };
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = arg('plan');
  if (!file) throw new Error('usage: tsx bench/measure.ts --plan FILE [--reps N] [--warmup N] [--budget SECONDS] [--no-evaluate] [--write-input DIR]');
  const result = await measure(file, {
    reps: Number(arg('reps') ?? 5),
    warmup: Number(arg('warmup') ?? 1),
    now: new Date(arg('now') ?? '2026-11-22T00:00:00Z'),
    ...(arg('budget') ? { budgetMs: Number(arg('budget')) * 1000 } : {}),
    skipEvaluate: argv.includes('--no-evaluate'),
    ...(arg('write-input') ? { writeInput: arg('write-input')! } : {}),
  });
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`measure: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
