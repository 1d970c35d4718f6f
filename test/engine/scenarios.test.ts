/**
 * Data-driven rule cases run through the compiled WASM bundle: every file in test/scenarios/
 * holds cases {name, source, inventory, expect: [{ruleId, resource}]}; each rule has a violation
 * and a compliant look-alike. The case's inventory is enriched-shaped (governance facts given).
 * Drift cases go through the pipeline's own steps: matching, then the declaration resolved
 * against the live side (checks/drift/resolve.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../checks/engine/index.js';
import { emptyInventory, type Inventory, type SourceKind } from '../../checks/model.js';
import { policyInput } from '../../checks/run.js';
import type { WaiverFact } from '../../checks/waivers.js';
import { driftInput, matchInventories } from '../../checks/drift/match.js';
import { resolveDeclared } from '../../checks/drift/resolve.js';

interface Case {
  name: string;
  rule: string;
  kind: 'violation' | 'compliant';
  source: string;
  /** Optional policy-data overrides for this case (the shape of a --data file), e.g. an owners registry. */
  config?: Record<string, unknown>;
  inventory: Record<string, unknown>;
  /** source "drift": the declared and live Inventories (matches are computed by checks/drift/match.ts). */
  declared?: Record<string, unknown>;
  live?: Record<string, unknown>;
  /** Waivers as the policy sees them (input.waivers), for the NHI-WVR-* rules. */
  waivers?: unknown[];
  /** Findings of `rule` expected, as "resource" ids (empty for a compliant look-alike). */
  expect: string[];
}

const dir = path.resolve('test/scenarios');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const cases: Array<Case & { file: string }> = files.flatMap((f) =>
  (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Case[]).map((c) => ({ ...c, file: f })),
);

let engine: Engine;
const configured = new Map<string, Engine>();
async function engineFor(c: Case): Promise<Engine> {
  if (!c.config) return engine;
  const key = JSON.stringify(c.config);
  let e = configured.get(key);
  if (!e) {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'nhi-scenario-')), 'data.json');
    writeFileSync(file, key);
    e = await loadEngine({ dataFile: file });
    configured.set(key, e);
  }
  return e;
}
beforeAll(async () => {
  engine = await loadEngine();
});

function driftScenario(declared: Inventory, live: Inventory): string {
  const matches = matchInventories(declared, live);
  return driftInput(resolveDeclared(declared, live, matches), live, new Date('2026-11-22T00:00:00Z'), matches);
}

describe('rule scenarios through the compiled WASM pack', () => {
  it.each(cases.map((c) => [`${c.file}: ${c.rule} ${c.kind}: ${c.name}`, c] as const))('%s', async (_n, c) => {
    const input =
      c.source === 'drift'
        ? driftScenario({ ...emptyInventory(), ...c.declared }, { ...emptyInventory(), ...c.live })
        : JSON.stringify({ source: c.source, now: '2026-11-22T00:00:00Z', inventory: { ...emptyInventory(), ...c.inventory }, waivers: c.waivers ?? [] });
    const found = (await engineFor(c)).evaluate(input).filter((f) => f.ruleId === c.rule);
    expect(found.map((f) => f.resource).sort()).toEqual([...c.expect].sort());
    for (const f of found) expect(f.message.length).toBeGreaterThan(10);
  });

  // The built-in pack alone is handed the compact input (checks/engine/compactInput.ts): every
  // scenario of a declared or live source must decide the same through it.
  it.each(cases.filter((c) => c.source !== 'drift').map((c) => [`${c.file}: ${c.rule} ${c.kind}: ${c.name} (compact input)`, c] as const))(
    '%s',
    async (_n, c) => {
      const inv = { ...emptyInventory(), ...c.inventory } as Inventory;
      const full = JSON.stringify({ source: c.source, now: '2026-11-22T00:00:00Z', inventory: inv, waivers: c.waivers ?? [] });
      const compact = policyInput(c.source as SourceKind, inv, new Date('2026-11-22T00:00:00Z'), (c.waivers ?? []) as WaiverFact[], { compact: true });
      const e = await engineFor(c);
      expect(e.evaluate(compact)).toEqual(e.evaluate(full));
    },
  );

  it('covers every rule of the pack with a violation and a compliant look-alike', () => {
    for (const r of engine.rules.filter((x) => !x.deprecated)) {
      const kinds = new Set(cases.filter((c) => c.rule === r.id).map((c) => c.kind));
      expect([r.id, [...kinds].sort()]).toEqual([r.id, ['compliant', 'violation']]);
    }
  });
});
