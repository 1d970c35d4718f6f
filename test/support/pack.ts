/**
 * The pack's composition as generated from the rules' METADATA (docs/rules.json, npm run rules):
 * the list tests select rules from, so that no test keeps a list of its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../checks/engine/opaBinary.js';
import type { PackEntry } from '../../reports/rules.js';

export const PACK: PackEntry[] = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'docs', 'rules.json'), 'utf8')) as PackEntry[];

/** The rules in force (not deprecated). */
export const ACTIVE = PACK.filter((r) => !r.deprecated);

export const sourcesOf = (id: string): string[] => {
  const r = PACK.find((x) => x.id === id);
  if (!r) throw new Error(`${id} is not a rule of docs/rules.json`);
  return r.sources;
};
