/**
 * Drift as a source of the access map: `access --declared-state ... --snapshot ...` maps the live
 * side and compares it with the declaration's map. The hand-made live snapshot of the estate adds
 * what the state never declared; the same snapshot against itself (as its own declaration) shows
 * no change.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { ESTATE_TFSTATE } from '../support/estate.js';

const SNAPSHOT = path.resolve('test/fixtures/snapshots/handmade-estate-drift.json');

describe('access with drift inputs (--declared-* and a live side)', () => {
  it('maps the live side, with the delta against the declaration, schema-valid, in every format', async () => {
    const r = await runCli(['access', '--declared-state', ESTATE_TFSTATE, '--snapshot', SNAPSHOT, '--format', 'json', '--now', '2026-11-22']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(check('accessMap', doc)).toBeNull();
    expect(doc.delta.against).toBe('declaration');
    expect(doc.delta.baseline).toBe(ESTATE_TFSTATE);
    expect(doc.inputs.map((i: { kind: string }) => i.kind)).toEqual(['state', 'live']);
    const md = await runCli(['access', '--declared-state', ESTATE_TFSTATE, '--snapshot', SNAPSHOT, '--format', 'markdown', '--now', '2026-11-22']);
    expect(md.stdout).toContain(`### Access changes against the declaration: ${doc.delta.gained.length} gained, ${doc.delta.lost.length} lost`);
    for (const g of doc.delta.gained) expect(md.stdout).toContain(`live state gives ${g.principal}`);
    // The hand-made snapshot holds no data store (dataStores: []): the declared reads of the phi
    // bucket are declared but not live; nothing is reached beyond the declaration.
    expect(doc.delta.gained).toEqual([]);
    expect(doc.delta.lost.map((l: { principal: string; store: string; levels: string[] }) => `${l.principal} ${l.levels.join('+')} ${l.store}`)).toEqual([
      'role etl-20261123093504004600000001 read s3 nhi-fixture-phi-results',
      'role svc-lab read s3 nhi-fixture-phi-results',
    ]);
    expect(md.stdout).toContain(
      '- ✅ declared, not in live state: role svc-lab read on s3 nhi-fixture-phi-results, through role svc-lab → read-lab #0 allows s3:GetObject → s3 nhi-fixture-phi-results',
    );
    // Each gained pair is one the live map has and the declared map does not.
    const declared = JSON.parse((await runCli(['access', '--state', ESTATE_TFSTATE, '--format', 'json', '--now', '2026-11-22'])).stdout);
    const pairs = (d: { stores: Array<{ label: string; reaches: Array<{ principal: { label: string }; levels: string[] }> }> }) =>
      new Set(d.stores.flatMap((s) => s.reaches.flatMap((e) => e.levels.map((l) => `${e.principal.label} ${l} ${s.label}`))));
    const before = pairs(declared);
    const after = pairs(doc);
    const gained = doc.delta.gained
      .flatMap((g: { principal: string; store: string; levels: string[] }) => g.levels.map((l) => `${g.principal} ${l} ${g.store}`))
      .sort();
    expect(gained).toEqual([...after].filter((p) => !before.has(p)).sort());
    const lost = doc.delta.lost
      .flatMap((g: { principal: string; store: string; levels: string[] }) => g.levels.map((l) => `${g.principal} ${l} ${g.store}`))
      .sort();
    expect(lost).toEqual([...before].filter((p) => !after.has(p)).sort());
  });

  it('needs exactly one live side and no --baseline beside it (exit 2, one line)', async () => {
    const none = await runCli(['access', '--declared-state', ESTATE_TFSTATE, '--state', ESTATE_TFSTATE]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'nhi-guard: a drift access map compares the declaration with one live side: give --snapshot FILE or --live aws, and no other source\n',
    );
  });
});
