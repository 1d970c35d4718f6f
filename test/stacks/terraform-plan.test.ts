/**
 * Proof that the example stacks are valid Terraform: the cdktf app is synthesized, every stack is
 * planned by the real terraform against a moto server (provider from the filesystem mirror, moto
 * answering as the hospital's production account so the stacks' `allowed_account_ids` pin holds),
 * and nhi-guard checks the plans. Never skipped: without terraform, the provider mirror or moto
 * this fails with the command that installs them.
 *
 * What must hold:
 * - init, plan and `show -json` succeed for every stack, with terraform's message when not;
 * - the account pin is real (the same plan against moto's default account is refused);
 * - `check --plan` over all plans finds the legacy-hl7 debt and nothing else, and the same rule ids
 *   on the same identities as `check --synth` of the same app; the Inventory from the plans agrees
 *   with the one from synth (ids, links, tags, documents);
 * - no stack writes a secret literal, and no secret value reaches any output;
 * - applying two representative stacks and checking their state gives the same answer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObject } from '../../checks/io/files.js';
import { mapLimit } from '../../checks/live/recorder.js';
import { loadPlan, planProviderAccount } from '../../checks/loaders/plan.js';
import { loadSynth, providerAccounts } from '../../checks/loaders/synth.js';
import { isSecretAttribute } from '../../checks/loaders/tfjson.js';
import type { Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { PROD_ACCOUNT } from '../../stacks/hospital.js';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import {
  initStack,
  planStack,
  PROVIDER_SECRET_CANARY,
  runTerraform,
  stackWorkspace,
  stopTerraformRuns,
  synthStacks,
  type PlannedStack,
  type StackWorkspace,
  type SynthStack,
} from '../support/stacks-terraform.js';
import { synthExamples } from '../support/synth.js';
import { requireTerraform } from '../support/terraform.js';

const NOW = '2026-11-22';
const LEGACY = 'legacy-hl7';
/** Stacks applied to prove the state path: the one with the debt (and an access key) and a compliant one. */
const APPLIED = [LEGACY, 'lab-results-exchange'];
/** Plans at once: the machine has 2 cores; each plan runs the provider (one process per plan). */
const CONCURRENCY = 2;

interface Finding {
  ruleId: string;
  severity: string;
  identity?: string | null;
  resource: { address?: string; file?: string; stack?: string };
  waived: boolean;
}
interface FindingsDoc {
  findings: Finding[];
}

/**
 * The stack a finding belongs to: synth names it (its file is the stacks/*.ts line of the
 * construct); plans and state by the folder of their input file (stacks/<name>/plan.json).
 */
const stackOf = (f: Finding): string => f.resource.stack ?? path.basename(path.dirname(f.resource.file ?? ''));
/**
 * One finding as "rule severity identity address waived": what synth, plan and state must agree
 * on. Waivers declared in a stack (the Waiver construct) are terraform outputs, so plans and state
 * carry them as synth does.
 */
const key = (f: Finding): string => `${f.ruleId} ${f.severity} ${f.identity ?? '-'} ${f.resource.address ?? '-'}${f.waived ? ' waived' : ''}`;
const keys = (fs: Finding[]): string[] => fs.map(key).sort();

async function checkJson(args: string[]): Promise<{ doc: FindingsDoc; text: string }> {
  const r = await runCli(['check', ...args, '--format', 'json', '--fail-on', 'none', '--now', NOW]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout) as FindingsDoc;
  expect(check('findings', doc)).toBeNull();
  return { doc, text: r.stdout + r.stderr };
}

/** Resources of a plan's planned_values, every module. */
function plannedResources(doc: Record<string, unknown>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (mod: unknown, depth: number): void => {
    if (!isObject(mod) || depth > 10) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) if (isObject(r)) out.push(r);
    for (const c of Array.isArray(mod.child_modules) ? mod.child_modules : []) walk(c, depth + 1);
  };
  walk(isObject(doc.planned_values) ? doc.planned_values.root_module : undefined, 0);
  return out;
}

/** A value that could be a secret: a non-empty string (not a flag such as force_overwrite_replica_secret). */
const isValue = (v: unknown): boolean => typeof v === 'string' && v !== '';

/**
 * Secret attributes (secret_string, password, ...) that a stack sets to a value it writes itself:
 * a constant in the plan's configuration, or a value already known at plan time.
 */
function secretLiterals(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  const root = isObject(doc.configuration) && isObject(doc.configuration.root_module) ? doc.configuration.root_module : {};
  for (const r of Array.isArray(root.resources) ? root.resources : []) {
    if (!isObject(r) || !isObject(r.expressions)) continue;
    for (const [attr, e] of Object.entries(r.expressions))
      if (isSecretAttribute(attr) && isObject(e) && isValue(e.constant_value)) out.push(`${String(r.address)}.${attr} (constant)`);
  }
  for (const r of plannedResources(doc)) {
    const values = isObject(r.values) ? r.values : {};
    for (const [attr, v] of Object.entries(values)) if (isSecretAttribute(attr) && isValue(v)) out.push(`${String(r.address)}.${attr} (known at plan)`);
  }
  return out;
}

/** The same for a synthesized stack: a secret attribute given in cdk.tf.json as a value, not a reference. */
function synthSecretLiterals(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(isObject(doc.resource) ? doc.resource : {})) {
    for (const [name, body] of Object.entries(isObject(byName) ? byName : {})) {
      for (const [attr, v] of Object.entries(isObject(body) ? body : {}))
        if (isSecretAttribute(attr) && isValue(v) && !/^\$\{[^}]*\}$/.test(v as string)) out.push(`${type}.${name}.${attr}`);
    }
  }
  return out;
}

/**
 * An Inventory element as synth and plan must both see it. Left out, on purpose:
 * - `origin` (file, source and construct path differ by nature);
 * - `path: "/"`: the provider's default, which the plan knows and synth does not;
 * - a policy document's `version`: the aws_iam_policy_document data source adds "2012-10-17";
 * - the order of arrays (the data source sorts actions and conditions);
 * - the text after a reference in an unresolved value: synth keeps `${aws_s3_bucket.b.arn}/*`, but
 *   the plan's configuration section lists an expression's references without its template, so
 *   the plan loader can only say `${aws_s3_bucket.b.arn}` for an ARN unknown until apply.
 * Synth ids carry the stack (`legacy-hl7/aws_iam_role.x`); plan ids are addresses of one stack.
 */
function canonical(v: unknown, stack: string): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x, stack)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'origin' || k === 'version' || (k === 'path' && x === '/')) continue;
      out[k] = canonical(x, stack);
    }
    return out;
  }
  if (typeof v === 'string') {
    const bare = v.startsWith(`${stack}/`) ? v.slice(stack.length + 1) : v;
    return bare.replace(/^(\$\{[^}]+\}).+$/, '$1');
  }
  return v;
}

const SECTIONS = ['identities', 'groups', 'policies', 'credentials', 'dataStores'] as const;

/** The elements of one stack, by id, in canonical form. */
function stackView(inv: Inventory, stack: string, fromSynth: boolean): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of SECTIONS) {
    const elems = (inv[section] as Array<{ id: string; origin?: { stack?: string } }>).filter((e) => !fromSynth || e.origin?.stack === stack);
    out[section] = Object.fromEntries(elems.map((e) => [canonical(e.id, stack) as string, canonical(e, stack)]));
  }
  return out;
}

describe('the example stacks under real terraform, against moto', () => {
  let synthDir: string;
  let stacks: SynthStack[];
  let moto: MotoServer | undefined;
  let ws: StackWorkspace | undefined;
  const started: Array<{ stop(): Promise<void> }> = [];
  const cleanups: Array<() => void> = [];
  let planning: Promise<PlannedStack[]> | undefined;
  let planSeconds = 0;

  /** init (one at a time: the plugin cache is shared) then plan + show -json (bounded concurrency). Once. */
  const plans = (): Promise<PlannedStack[]> =>
    (planning ??= (async () => {
      const t0 = Date.now();
      for (const w of ws!.stacks) await initStack(w);
      const out = await mapLimit(ws!.stacks, CONCURRENCY, planStack);
      planSeconds = (Date.now() - t0) / 1000;
      return out;
    })());

  beforeAll(async () => {
    requireTerraform();
    synthDir = synthExamples();
    stacks = synthStacks(synthDir);
    // Every stack pins the production account: moto must answer as that account.
    expect(stacks.map((s) => [s.name, providerAccounts(s.doc)])).toEqual(stacks.map((s) => [s.name, [PROD_ACCOUNT]]));
    moto = await startMoto({ env: { MOTO_ACCOUNT_ID: PROD_ACCOUNT } });
    started.push(moto);
    const workspace = stackWorkspace(stacks, moto.url);
    ws = workspace;
    cleanups.push(() => workspace.cleanup());
  }, 300_000);

  afterAll(async () => {
    if (planSeconds) console.info(`terraform init+plan+show of ${stacks.length} stacks: ${planSeconds.toFixed(1)} s (concurrency ${CONCURRENCY})`);
    stopTerraformRuns();
    for (const c of cleanups) c();
    for (const s of started) await s.stop();
  });

  it('init, plan and show -json succeed for every stack: all of it created, the account pin kept', { timeout: 1_500_000 }, async () => {
    const ps = await plans();
    expect(ps.map((p) => p.name)).toEqual(stacks.map((s) => s.name));
    for (const [i, p] of ps.entries()) {
      expect(p.doc.errored, p.name).toBe(false);
      const declared = Object.values(isObject(stacks[i]!.doc.resource) ? stacks[i]!.doc.resource : {}).reduce<number>(
        (n, byName) => n + Object.keys(isObject(byName) ? byName : {}).length,
        0,
      );
      const changes = (p.doc.resource_changes as Array<{ mode: string; change: { actions: string[] } }>).filter((c) => c.mode === 'managed');
      expect(changes.length, p.name).toBe(declared);
      expect(
        changes.every((c) => c.change.actions.join() === 'create'),
        p.name,
      ).toBe(true);
      // The override merged into the stack's provider: allowed_account_ids is still there.
      const aws = (p.doc.configuration as { provider_config: Record<string, { expressions: Record<string, { constant_value?: unknown }> }> }).provider_config
        .aws!;
      expect(aws.expressions.allowed_account_ids?.constant_value, p.name).toEqual([PROD_ACCOUNT]);
    }
  });

  it("the account pin is real: against moto's default account terraform refuses to plan", { timeout: 900_000 }, async () => {
    const other = await startMoto();
    started.push(other);
    const one = stackWorkspace(
      stacks.filter((s) => s.name === 'lab-results-exchange'),
      other.url,
      { prefix: 'nhi-stacks-tf-pin-' },
    );
    cleanups.push(() => one.cleanup());
    await initStack(one.stacks[0]!);
    await expect(planStack(one.stacks[0]!)).rejects.toThrow(/AWS account ID not allowed: 123456789012/);
  });

  it('check --plan finds the legacy debt and nothing else: the same rule ids on the same identities as check --synth', { timeout: 1_500_000 }, async () => {
    const ps = await plans();
    const plan = await checkJson(ps.flatMap((p) => ['--plan', p.jsonFile]));
    const synth = await checkJson(['--synth', synthDir]);

    expect(new Set(plan.doc.findings.map(stackOf))).toEqual(new Set([LEGACY]));
    expect(new Set(synth.doc.findings.map(stackOf))).toEqual(new Set([LEGACY]));
    // No plan-time unknowns: the loader reads the policy documents of deferred data sources
    // from the configuration, and every identity link is a plain reference.
    expect(plan.doc.findings.filter((f) => f.ruleId === 'NHI-UNK-001')).toEqual([]);
    expect(keys(plan.doc.findings)).toEqual(keys(synth.doc.findings));
    // The waiver declared beside the legacy access key reaches the plan as a terraform output.
    expect(plan.doc.findings.filter((f) => f.waived).map((f) => `${f.ruleId} ${f.resource.address}`)).toEqual([
      'NHI-ROT-003 aws_iam_access_key.InterfaceEngineUserKey',
    ]);
    // The debt stacks/legacy-hl7.ts declares.
    const rules = new Set(plan.doc.findings.map((f) => f.ruleId));
    for (const id of ['NHI-LP-001', 'NHI-OWN-001', 'NHI-EXP-001', 'NHI-EXP-002', 'NHI-ROT-003']) expect(rules, id).toContain(id);

    for (const out of [plan.text, synth.text]) expect(out).not.toContain(PROVIDER_SECRET_CANARY);
  });

  it('the Inventory from the plans agrees with the one from synth: ids, links, tags, documents, account', { timeout: 1_500_000 }, async () => {
    const ps = await plans();
    const synth = await loadSynth(synthDir);
    for (const p of ps) {
      const inv = await loadPlan(p.jsonFile);
      expect(check('inventory', inv), p.name).toBeNull();
      expect(inv.unknowns, p.name).toEqual([]);
      expect(inv.accountId, p.name).toBe(synth.accountId);
      expect(stackView(inv, p.name, false), p.name).toEqual(stackView(synth, p.name, true));
    }
  });

  it("no stack writes a secret literal, and no secret value reaches nhi-guard's output", { timeout: 1_500_000 }, async () => {
    const ps = await plans();
    expect(stacks.flatMap((s) => synthSecretLiterals(s.doc))).toEqual([]);
    expect(ps.flatMap((p) => secretLiterals(p.doc))).toEqual([]);
    // The plans do carry the provider's secret key (terraform copies constant provider arguments):
    // the canary is there to be withheld.
    expect(JSON.stringify(ps[0]!.doc)).toContain(PROVIDER_SECRET_CANARY);
    for (const format of ['text', 'sarif', 'markdown']) {
      const r = await runCli(['check', ...ps.flatMap((p) => ['--plan', p.jsonFile]), '--format', format, '--fail-on', 'none', '--now', NOW]);
      expect(r.stderr, format).toBe('');
      expect(r.stdout, format).not.toContain(PROVIDER_SECRET_CANARY);
    }
    const inv = await runCli(['inventory', ...ps.flatMap((p) => ['--plan', p.jsonFile]), '--format', 'json', '--now', NOW]);
    expect(inv.stderr).toBe('');
    expect(inv.stdout).not.toContain(PROVIDER_SECRET_CANARY);
  });

  it('apply two stacks; check --state finds what the plan found, and never prints the access key secret', { timeout: 1_500_000 }, async () => {
    const ps = await plans();
    const applied = ps.filter((p) => APPLIED.includes(p.name));
    const byName = new Map(ws!.stacks.map((w) => [w.name, w]));
    await mapLimit(applied, CONCURRENCY, (p) =>
      runTerraform(byName.get(p.name)!.tf, ['apply', '-no-color', '-input=false', '-lock=false', '-auto-approve', p.planFile]),
    );

    const stateFiles = applied.map((p) => path.join(p.dir, 'terraform.tfstate'));
    const legacyState = JSON.parse(readFileSync(stateFiles[applied.findIndex((p) => p.name === LEGACY)]!, 'utf8')) as {
      resources: Array<{ type: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
    };
    const accessKey = legacyState.resources.find((r) => r.type === 'aws_iam_access_key')!.instances[0]!.attributes;
    const secrets = [accessKey.secret, accessKey.ses_smtp_password_v4].filter((s): s is string => typeof s === 'string' && s.length >= 16);
    expect(secrets.length).toBeGreaterThan(0);

    const state = await checkJson(stateFiles.flatMap((f) => ['--state', f]));
    const plan = await checkJson(applied.flatMap((p) => ['--plan', p.jsonFile]));
    expect(new Set(state.doc.findings.map(stackOf))).toEqual(new Set([LEGACY]));
    expect(keys(state.doc.findings)).toEqual(keys(plan.doc.findings));
    const inv = await runCli(['inventory', ...stateFiles.flatMap((f) => ['--state', f]), '--format', 'json', '--now', NOW]);
    for (const out of [state.text, inv.stdout, inv.stderr]) for (const s of secrets) expect(out.includes(s)).toBe(false);
  });
});

describe('the own account of a plan: allowed_account_ids of its AWS providers', () => {
  const plan = (providers: Record<string, unknown>): unknown => ({ format_version: '1.2', configuration: { provider_config: providers } });
  const aws = (ids?: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: 'aws',
    full_name: 'registry.terraform.io/hashicorp/aws',
    expressions: ids === undefined ? {} : { allowed_account_ids: ids },
    ...extra,
  });

  it('is the one account every AWS provider pins', () => {
    expect(planProviderAccount(plan({ aws: aws({ constant_value: [PROD_ACCOUNT] }) }))).toBe(PROD_ACCOUNT);
    expect(
      planProviderAccount(plan({ aws: aws({ constant_value: [PROD_ACCOUNT] }), 'aws.dr': aws({ constant_value: [PROD_ACCOUNT] }, { alias: 'dr' }) })),
    ).toBe(PROD_ACCOUNT);
    // Other providers do not count; a format without full_name is matched by name.
    expect(
      planProviderAccount(
        plan({
          aws: { name: 'aws', expressions: { allowed_account_ids: { constant_value: [PROD_ACCOUNT] } } },
          random: { name: 'random', full_name: 'registry.terraform.io/hashicorp/random' },
        }),
      ),
    ).toBe(PROD_ACCOUNT);
  });

  it('is unknown when a provider pins nothing, pins through a variable, or the providers disagree', () => {
    expect(planProviderAccount(plan({ aws: aws() }))).toBeUndefined();
    expect(planProviderAccount(plan({ aws: aws({ references: ['var.accounts'] }) }))).toBeUndefined();
    expect(planProviderAccount(plan({ aws: aws({ constant_value: [PROD_ACCOUNT, '444455556666'] }) }))).toBeUndefined();
    expect(
      planProviderAccount(plan({ aws: aws({ constant_value: [PROD_ACCOUNT] }), 'aws.vendor': aws({ constant_value: ['444455556666'] }) })),
    ).toBeUndefined();
    expect(planProviderAccount(plan({ aws: aws({ constant_value: [PROD_ACCOUNT] }), 'module.x:aws': aws() }))).toBeUndefined();
    expect(planProviderAccount(plan({ aws: aws({ constant_value: ['not-an-account'] }) }))).toBeUndefined();
    expect(planProviderAccount(plan({}))).toBeUndefined();
    expect(planProviderAccount({ format_version: '1.2' })).toBeUndefined();
    expect(planProviderAccount(null)).toBeUndefined();
  });
});
