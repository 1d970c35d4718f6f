/**
 * Least-privilege checks every grant passes before it becomes a policy statement: never Action "*",
 * and Resource "*" only for actions the AWS catalog says accept nothing else (wildcard-only, such as
 * sts:GetCallerIdentity). Everything else names the ARNs it acts on.
 */
import { actionFacts } from './iam-catalog.js';
import type { Condition } from './trust.js';

export interface Grant {
  actions: string[];
  /** Resource ARNs; `*` only when every action is wildcard-only. */
  resources: string[];
  /** Extra conditions: { test, variable, values }. */
  conditions?: Condition[];
}

export interface GrantRules {
  /** `wildcard-only`: Resource "*" allowed when every action is wildcard-only; `never`: always refused. */
  star: 'wildcard-only' | 'never';
}

const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;

/** Returns a copy of the grant when it is acceptable; throws `<path>: <what to fix>` otherwise. */
export function checkGrant(path: string, g: Grant, rules: GrantRules = { star: 'wildcard-only' }): Grant {
  const fail = (m: string): never => {
    throw new Error(`${path}: ${m}`);
  };
  if (!Array.isArray(g.actions) || g.actions.length === 0) fail('a grant needs at least one action');
  if (!Array.isArray(g.resources) || g.resources.length === 0) fail('a grant needs at least one resource ARN');
  for (const a of g.actions) {
    if (a === '*' || a === '*:*') fail('Action "*" is never granted; list the actions the workload calls');
    if (!ACTION.test(a)) fail(`action "${a}" must be SERVICE:Action`);
    if (/^[^:]+:\*$/.test(a)) fail(`action "${a}" grants a whole service; list the actions the workload calls`);
  }
  for (const r of g.resources) if (typeof r !== 'string' || r.trim() === '') fail('resources must be non-empty ARNs');
  if (g.resources.includes('*')) {
    if (rules.star === 'never') fail('Resource "*" is not allowed for this identity; scope every grant to resource ARNs');
    const needArns: string[] = [];
    for (const a of g.actions) {
      if (/[*?]/.test(a)) {
        needArns.push(`${a} (a wildcard pattern)`);
        continue;
      }
      const f = actionFacts(a);
      if (!f) needArns.push(`${a} (not in the AWS action catalog)`);
      else if (!f.wildcardOnly) needArns.push(`${f.action} (${f.accessLevel}, accepts resource ARNs)`);
    }
    if (needArns.length > 0) {
      fail(`Resource "*" is allowed only for actions that accept nothing else; scope these to ARNs in a separate grant: ${needArns.join(', ')}`);
    }
  }
  return {
    actions: [...g.actions],
    resources: [...g.resources],
    ...(g.conditions?.length ? { conditions: g.conditions.map((c) => ({ ...c, values: [...c.values] })) } : {}),
  };
}
