/** Builds one stack in a fresh test app and returns its synthesized JSON, parsed. */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { Testing, TerraformStack } from 'cdktf';
import { applyGovernance, GovernanceAspect } from '../../stacks/constructs/governance-aspect.js';
import type { Governance } from '../../stacks/constructs/governance.js';

export const NOW = new Date(process.env.NHI_GUARD_NOW ?? '2026-11-22T00:00:00Z');
export const ACCOUNT = '111122223333';

export type Json = Record<string, any>;

export function gov(over: Partial<Governance> = {}): Governance {
  return {
    owner: 'integration-platform',
    purpose: 'test identity',
    dataClass: 'phi',
    environment: 'prod',
    expiresOn: '2027-06-30',
    identityKind: 'service',
    ...over,
  };
}

export function newStack(id = 'test'): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return stack;
}

/** Synthesizes `build`'s stack (aspects included) into text and parsed JSON, with the aspect's problems. */
export function synth(build: (stack: TerraformStack) => void, id = 'test'): { text: string; json: Json; problems: string[] } {
  const stack = newStack(id);
  build(stack);
  const aspect = applyGovernance(stack, new GovernanceAspect(NOW));
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as Json, problems: aspect.problems };
}

/** The only (or named) block of `type` under resource or data. */
export function one(json: Json, mode: 'resource' | 'data', type: string, nameHint?: string): Json {
  const byName = (json[mode]?.[type] ?? {}) as Record<string, Json>;
  // Logical names are Construct_Child_HASH: match every underscore-separated part of the hint.
  const parts = (nameHint ?? '').split('_').filter(Boolean);
  const names = Object.keys(byName).filter((n) => parts.every((p) => n.split('_').includes(p)));
  if (names.length !== 1) throw new Error(`expected one ${mode}.${type}${nameHint ? ` matching ${nameHint}` : ''}, found ${names.join(', ') || 'none'}`);
  return byName[names[0]!]!;
}

export function all(json: Json, mode: 'resource' | 'data', type: string): Json[] {
  return Object.values((json[mode]?.[type] ?? {}) as Record<string, Json>);
}

/** Statements of the trust policy document (first principal statement). */
export function trustOf(json: Json, nameHint = ''): Json {
  return one(json, 'data', 'aws_iam_policy_document', nameHint ? `${nameHint}_Trust` : 'Trust').statement[0];
}

export function permissionsOf(json: Json, nameHint = ''): Json[] {
  return one(json, 'data', 'aws_iam_policy_document', nameHint ? `${nameHint}_Permissions` : 'Permissions').statement;
}

export function conditionValue(stmt: Json, variable: string): { test: string; values: string[] } | undefined {
  return (stmt.condition as Json[] | undefined)?.find((c) => c.variable === variable) as { test: string; values: string[] } | undefined;
}
