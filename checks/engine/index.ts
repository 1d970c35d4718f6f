/**
 * The policy engine: the compiled pack, its rule metadata and policy data, evaluated once per input.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './opaBinary.js';
import { collectPolicyFiles, compilePack, ENTRYPOINT, ruleEntrypoint, type CompiledPack } from './build.js';
import { metaData, ruleElementId, type RuleMeta, type Severity } from './metadata.js';
import { resolvePolicyConfig, type PolicyConfig } from './policyData.js';
import { loadShippedPack } from './shipped.js';
import { WasmPolicy } from './wasm.js';
import { EngineError, UserError } from '../errors.js';
import type { SourceKind } from '../model.js';

export const BUILTIN_POLICY_DIR = path.join(PROJECT_ROOT, 'policies');

/** One finding as the aggregator returns it: ids into the input, no metadata yet. */
export interface RawFinding {
  ruleId: string;
  severity: Severity;
  /** Id of the Inventory element the finding is about (or a waiver id, for NHI-WVR-*). */
  resource: string;
  /** Id of the identity concerned, when there is one. */
  identity?: string;
  message: string;
  /** Ids of the elements that show it (the policy, attachment or group behind a finding about an identity). */
  evidence?: string[];
  /**
   * Where to point at, when not at the resource's own declaration: the id of the declared element
   * that holds what the finding is about (a declared policy), and the index of its statement.
   */
  location?: string;
  statement?: number;
  /** NHI-LP-008: ids of the data-class phi stores the finding names, and kinds whose every phi store it reaches. */
  stores?: string[];
  storeKinds?: string[];
  /** Set by the pipeline: which input the finding came from. */
  source?: SourceKind | 'drift';
}

export interface EngineOptions {
  /** Extra policy folders (users' rules); the built-in pack is always included. */
  policyDirs?: string[];
  dataFile?: string;
  cacheRoot?: string;
}

export interface Engine {
  pack: CompiledPack;
  rules: RuleMeta[];
  config: PolicyConfig;
  /** Only the built-in pack runs (no --policy-dir): the check may hand it the compact input (checks/engine/compactInput.ts). */
  builtinOnly: boolean;
  evaluate(input: unknown): RawFinding[];
}

export function policyDirsOf(opts: EngineOptions): string[] {
  return [BUILTIN_POLICY_DIR, ...(opts.policyDirs ?? [])];
}

/**
 * The compiled pack for these options: the pack shipped in the package (dist/pack) when only the
 * built-in rules are asked for and it was built from the policies/ beside it (no opa needed), else
 * policies/ and the extra folders compiled with opa (cached).
 */
export async function loadPack(opts: Pick<EngineOptions, 'policyDirs' | 'cacheRoot'> = {}): Promise<CompiledPack> {
  // NHI_GUARD_NO_SHIPPED_PACK=1 compiles policies/ even then (to compare the two).
  if ((opts.policyDirs ?? []).length === 0 && process.env.NHI_GUARD_NO_SHIPPED_PACK !== '1') {
    const files = existsSync(BUILTIN_POLICY_DIR) ? await collectPolicyFiles([BUILTIN_POLICY_DIR]) : null;
    const shipped = await loadShippedPack(files);
    if (shipped) return shipped;
  }
  return compilePack({ policyDirs: policyDirsOf(opts), cacheRoot: opts.cacheRoot });
}

export async function loadEngine(opts: EngineOptions = {}): Promise<Engine> {
  const pack = await loadPack(opts);
  // The pack's defaults were validated when it was built (compilePack); only a --data file is checked here.
  const config = await resolvePolicyConfig(pack.data, opts.dataFile, { defaultsValid: true });
  const data = { ...pack.data, nhi: { ...(pack.data.nhi as object), config, meta: metaData(pack.rules) } };
  const policy = await WasmPolicy.load(pack.wasm, data, wasmMaxPages(process.env.NHI_GUARD_WASM_MAX_MB));
  return {
    pack,
    rules: pack.rules,
    config,
    builtinOnly: (opts.policyDirs ?? []).length === 0,
    evaluate(input: unknown): RawFinding[] {
      let result: unknown;
      try {
        result = policy.evaluate(input, ENTRYPOINT);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        return ruleByRule(policy, pack.rules, input, e);
      }
      if (!Array.isArray(result)) throw new EngineError('the aggregator did not return a set of findings');
      return result as RawFinding[];
    },
  };
}

/**
 * The WebAssembly memory bound of the engine, in 64 KiB pages, from NHI_GUARD_WASM_MAX_MB
 * (default: none, the runtime's 4 GiB). A value that is not a whole number of megabytes from 16
 * to 4096 is a usage error.
 */
export function wasmMaxPages(mb: string | undefined): number | undefined {
  if (mb === undefined || mb === '') return undefined;
  const n = /^\d{1,4}$/.test(mb) ? Number(mb) : NaN;
  if (!(n >= 16 && n <= 4096)) throw new UserError(`NHI_GUARD_WASM_MAX_MB must be a whole number of megabytes from 16 to 4096, not ${JSON.stringify(mb)}`);
  return n * 16;
}

/**
 * The aggregator failed: a rule raised an error (such as a conflict between two values of a
 * complete rule), or the evaluation of the whole pack at once hit a bound of the WASM runtime
 * (its memory or its stack, which every rule alone stays within). Every applicable rule is
 * evaluated alone, so the others still decide and each failing rule becomes an error finding at
 * its own severity, never a silent pass. When no rule fails alone, the union of their findings is
 * the aggregator's answer (it is that union, policies/main.rego) and is returned.
 */
function ruleByRule(policy: WasmPolicy, rules: RuleMeta[], input: unknown, cause: EngineError): RawFinding[] {
  const source = (typeof input === 'string' ? (JSON.parse(input) as { source?: unknown }) : (input as { source?: unknown })).source;
  const out: RawFinding[] = [];
  let failed = 0;
  for (const r of rules) {
    if (r.deprecated || typeof source !== 'string' || !r.sources.includes(source)) continue;
    try {
      const found = policy.evaluate(input, ruleEntrypoint(r.package));
      if (!Array.isArray(found)) throw new EngineError('findings is not a set');
      for (const f of found as Array<Omit<RawFinding, 'ruleId' | 'severity'>>) out.push({ ...f, ruleId: r.id, severity: r.severity });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      failed++;
      const why = e.message.replace(/^policy evaluation failed: /, '');
      out.push({
        ruleId: r.id,
        severity: r.severity,
        resource: ruleElementId(r.package),
        message: `rule ${r.id} failed on this input, so its result is unknown: ${why}`,
      });
    }
  }
  if (failed === 0 && process.env.NHI_GUARD_DEBUG === '1')
    process.stderr.write(`nhi-guard: debug: the pack failed as a whole (${cause.message}); every rule alone decided\n`);
  return out;
}
