/**
 * The policy engine: the compiled pack, its rule metadata and policy data, evaluated once per input.
 */
import path from 'node:path';
import { PROJECT_ROOT } from './opaBinary.js';
import { compilePack, ENTRYPOINT, type CompiledPack } from './build.js';
import { metaData, type RuleMeta, type Severity } from './metadata.js';
import { resolvePolicyConfig, type PolicyConfig } from './policyData.js';
import { WasmPolicy } from './wasm.js';
import { EngineError } from '../errors.js';
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
  evaluate(input: unknown): RawFinding[];
}

export function policyDirsOf(opts: EngineOptions): string[] {
  return [BUILTIN_POLICY_DIR, ...(opts.policyDirs ?? [])];
}

export async function loadEngine(opts: EngineOptions = {}): Promise<Engine> {
  const pack = await compilePack({ policyDirs: policyDirsOf(opts), cacheRoot: opts.cacheRoot });
  const config = await resolvePolicyConfig(pack.data, opts.dataFile);
  const data = { ...pack.data, nhi: { ...(pack.data.nhi as object), config, meta: metaData(pack.rules) } };
  const policy = await WasmPolicy.load(pack.wasm, data);
  return {
    pack,
    rules: pack.rules,
    config,
    evaluate(input: unknown): RawFinding[] {
      const result = policy.evaluate(input, ENTRYPOINT);
      if (!Array.isArray(result)) throw new EngineError('the aggregator did not return a set of findings');
      return result as RawFinding[];
    },
  };
}
