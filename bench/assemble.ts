/**
 * Assembles a large `terraform show -json` plan from plans that real terraform produced
 * (test/fixtures/plans/*.json, made by `terraform plan` against moto of the HCL under
 * test/fixtures/tf/), so the benchmark also runs on documents no generator of ours wrote.
 *
 * Each copy of a fixture becomes one instance of a module call of its own
 * (`module.replica_rules["r0007"]`), nested modules included, and every name the fixture declares
 * (role, user, bucket, table, key, secret, function names) gets the copy's suffix in every string
 * of the copy: ARNs, policy documents and references stay consistent within a copy and distinct
 * across copies. The findings of an assembled plan are therefore the fixtures' findings, times
 * the copies (checked by test/bench/assemble.test.ts).
 *
 * The default mix follows a hospital estate's plan: mostly existing resources (the estate and
 * instances plans with prior state and drift), some debt-heavy new stacks (the rules plan), new
 * integrations (the estate and instances create plans).
 *
 * Usage: tsx bench/assemble.ts --resources 10000 --out plan.json [--fixtures estate-delete-role,rules-create]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/plans');

/** Fixture name and how many copies of it per round of the mix. */
export const DEFAULT_MIX: ReadonlyArray<readonly [string, number]> = [
  ['estate-delete-role', 3],
  ['instances-drift', 3],
  ['rules-create', 2],
  ['estate-create', 1],
  ['instances-create', 1],
];

/** Attributes whose values are the names a copy must rename to stay distinct. */
const NAME_ATTRS = new Set(['name', 'bucket', 'function_name', 'identifier', 'cluster_identifier', 'name_prefix', 'user', 'role']);
/** Shorter names are too likely to occur inside unrelated strings. */
const MIN_NAME = 5;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface AssembleStats {
  resourceChanges: number;
  copies: number;
  byFixture: Record<string, number>;
}

interface Fixture {
  name: string;
  plan: Obj;
  /** Names to suffix, longest first (so a name that contains another is renamed whole). */
  names: string[];
  resourceChanges: number;
}

function loadFixture(name: string): Fixture {
  const plan = JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Obj;
  const names = new Set<string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (NAME_ATTRS.has(k) && typeof x === 'string' && x.length >= MIN_NAME && !x.startsWith('arn:')) names.add(x);
        else collect(x);
      }
    }
  };
  const changes = Array.isArray(plan.resource_changes) ? (plan.resource_changes as Obj[]) : [];
  for (const rc of changes) {
    const ch = rc.change;
    if (isObj(ch)) {
      collect(ch.before);
      collect(ch.after);
    }
  }
  return { name, plan, names: [...names].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)), resourceChanges: changes.length };
}

/** Characters that continue a name: an occurrence next to one is part of a longer name. */
const NAME_CHAR = /[A-Za-z0-9_-]/;

/** Secrets Manager appends `-` and six characters to a secret's name in its ARN (`...:secret:lab/api-token-AbCdEf`). */
function secretSuffixAt(text: string, at: number): boolean {
  if (text[at] !== '-' || text.lastIndexOf(':secret:', at) < text.lastIndexOf('"', at)) return false;
  for (let k = at + 1; k < at + 7; k++) if (!/[A-Za-z0-9]/.test(text[k] ?? '')) return false;
  return !NAME_CHAR.test(text[at + 7] ?? '');
}

/**
 * Appends `suffix` to every whole occurrence of each name in `text` (not inside a longer name).
 * Names come from the fixtures, never from a user: plain indexOf scans, no regular expression.
 */
export function renameAll(text: string, names: readonly string[], suffix: string): string {
  let out = text;
  for (const n of names) {
    let from = 0;
    let acc = '';
    for (;;) {
      const i = out.indexOf(n, from);
      if (i < 0) break;
      const before = i > 0 ? out[i - 1]! : '';
      const after = out[i + n.length] ?? '';
      const whole = !NAME_CHAR.test(before) && (!NAME_CHAR.test(after) || secretSuffixAt(out, i + n.length));
      acc += out.slice(from, i + n.length) + (whole ? suffix : '');
      from = i + n.length;
    }
    out = acc + out.slice(from);
  }
  return out;
}

/** Prefixes an address (and a module address) with the copy's module instance. */
const within = (prefix: string, address: unknown) => (typeof address === 'string' ? `${prefix}.${address}` : address);

function moveModule(mod: unknown, prefix: string): Obj {
  const m = isObj(mod) ? mod : {};
  const resources = (Array.isArray(m.resources) ? (m.resources as Obj[]) : []).map((r) => ({ ...r, address: within(prefix, r.address) }));
  const children = (Array.isArray(m.child_modules) ? (m.child_modules as Obj[]) : []).map((c) => moveModule(c, prefix));
  return {
    ...(isObj(mod) && typeof mod.address === 'string' ? { address: within(prefix, mod.address) } : { address: prefix }),
    resources,
    child_modules: children,
  };
}

function moveChange(rc: Obj, prefix: string): Obj {
  return { ...rc, address: within(prefix, rc.address), module_address: typeof rc.module_address === 'string' ? `${prefix}.${rc.module_address}` : prefix };
}

/** One copy of a fixture's plan parts, moved under `prefix` and renamed with `suffix`. */
function copyOf(f: Fixture, prefix: string, suffix: string) {
  const p = f.plan;
  const parts = {
    changes: ((p.resource_changes as Obj[] | undefined) ?? []).map((rc) => moveChange(rc, prefix)),
    drift: ((p.resource_drift as Obj[] | undefined) ?? []).map((rc) => moveChange(rc, prefix)),
    planned: moveModule(isObj(p.planned_values) ? p.planned_values.root_module : undefined, prefix),
    prior: isObj(p.prior_state) && isObj(p.prior_state.values) ? moveModule(p.prior_state.values.root_module, prefix) : undefined,
  };
  return JSON.parse(renameAll(JSON.stringify(parts), f.names, suffix)) as typeof parts;
}

/** A plan of at least `resources` resource changes (whole copies: it may overshoot by one copy). */
export function assemblePlan(opts: { resources: number; mix?: ReadonlyArray<readonly [string, number]> }): { plan: Obj; stats: AssembleStats } {
  const mix = opts.mix ?? DEFAULT_MIX;
  const fixtures = new Map(mix.map(([n]) => [n, loadFixture(n)]));
  const changes: Obj[] = [];
  const drift: Obj[] = [];
  const planned: Obj[] = [];
  const prior: Obj[] = [];
  const calls: Obj = {};
  const variables: Obj = {};
  const stats: AssembleStats = { resourceChanges: 0, copies: 0, byFixture: {} };
  const order = mix.flatMap(([n, w]) => Array.from({ length: w }, () => n));
  for (let i = 0; stats.resourceChanges < opts.resources; i++) {
    const f = fixtures.get(order[i % order.length]!)!;
    if (f.resourceChanges === 0) throw new Error(`fixture ${f.name} has no resource changes`);
    const call = `replica_${f.name.replace(/-/g, '_')}`;
    const key = `r${String(i).padStart(5, '0')}`;
    const c = copyOf(f, `module.${call}["${key}"]`, `-${key}`);
    changes.push(...c.changes);
    drift.push(...c.drift);
    planned.push(c.planned);
    if (c.prior) prior.push(c.prior);
    if (!calls[call]) {
      const cfg = isObj(f.plan.configuration) && isObj(f.plan.configuration.root_module) ? f.plan.configuration.root_module : {};
      calls[call] = { source: `./replicas/${f.name}`, for_each_expression: { references: [`local.${call}`] }, module: cfg };
    }
    if (isObj(f.plan.variables)) Object.assign(variables, f.plan.variables);
    stats.resourceChanges += c.changes.length;
    stats.copies++;
    stats.byFixture[f.name] = (stats.byFixture[f.name] ?? 0) + 1;
  }
  const first = fixtures.get(mix[0]![0])!.plan;
  const plan: Obj = {
    format_version: first.format_version,
    terraform_version: first.terraform_version,
    ...(Object.keys(variables).length ? { variables } : {}),
    planned_values: { root_module: { resources: [], child_modules: planned } },
    ...(drift.length ? { resource_drift: drift } : {}),
    resource_changes: changes,
    prior_state: { format_version: '1.0', terraform_version: first.terraform_version, values: { root_module: { resources: [], child_modules: prior } } },
    configuration: {
      ...(isObj(first.configuration) ? { provider_config: first.configuration.provider_config } : {}),
      root_module: { resources: [], module_calls: calls },
    },
    relevant_attributes: [],
    timestamp: first.timestamp,
    applyable: true,
    complete: true,
    errored: false,
  };
  return { plan, stats };
}

export function writeAssembledPlan(file: string, opts: { resources: number; mix?: ReadonlyArray<readonly [string, number]> }): AssembleStats {
  const { plan, stats } = assemblePlan(opts);
  writeFileSync(file, JSON.stringify(plan));
  return stats;
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const resources = Number(arg('resources') ?? 1000);
  const out = arg('out');
  const only = arg('fixtures')?.split(',');
  if (!out || !Number.isInteger(resources) || resources < 1) {
    process.stderr.write('usage: tsx bench/assemble.ts --resources N --out FILE [--fixtures a,b]\n');
    process.exitCode = 2;
    return;
  }
  const stats = writeAssembledPlan(out, { resources, ...(only ? { mix: only.map((n) => [n, 1] as const) } : {}) });
  process.stdout.write(`${path.resolve(out)}: ${JSON.stringify(stats)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
