/** --split-by owner: one document per owner, safe file names, the unowned part. */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ownerFileName, slug, splitByOwner, UNOWNED_FILE } from '../../checks/drift/split.js';
import type { InventoryRow } from '../../checks/inventoryRows.js';
import { check } from '../../checks/schemas/index.js';
import { finding, makeDoc } from '../reports/fixture.js';

const row = (id: string, owner?: string): InventoryRow => ({
  id,
  element: 'identity',
  type: 'iam-role',
  kind: 'role',
  name: id,
  source: 'live',
  change: 'existing',
  findings: 0,
  ...(owner ? { owner } : {}),
});

describe('slug', () => {
  it('keeps file names safe, short and visible', () => {
    expect(slug('Team Lab / Ops')).toBe('team-lab-ops');
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
    expect(slug('.hidden')).toBe('hidden');
    expect(slug('Équipe Santé')).toBe('equipe-sante');
    expect(slug('日本')).toBe('owner');
    expect(slug('x'.repeat(200))).toHaveLength(60);
  });
});

describe('splitByOwner', () => {
  it('gives each owner its findings, inventory rows and summary; the rest goes to unowned', () => {
    const doc = {
      ...makeDoc({
        findings: [
          finding('NHI-LP-001', { message: 'a', owner: 'team-a' }),
          finding('NHI-LP-002', { message: 'b', owner: 'team-a', waived: true }),
          finding('NHI-OWN-001', { message: 'c' }),
        ],
      }),
      inventory: [row('r1', 'team-a'), row('r2'), row('r3', 'Team B')],
    };
    const parts = splitByOwner(doc).sort((x, y) => x.name.localeCompare(y.name));
    const h = (o: string) => createHash('sha256').update(Buffer.from(o, 'utf16le')).digest('hex').slice(0, 16);
    expect(parts.map((p) => [p.name, p.owner])).toEqual([
      [`team-a-${h('team-a')}`, 'team-a'],
      [`team-b-${h('Team B')}`, 'Team B'],
      [UNOWNED_FILE, undefined],
    ]);
    const a = parts[0]!.document;
    expect(a.findings.map((f) => f.message)).toEqual(['a', 'b']);
    expect(a.summary).toEqual({ bySeverity: { critical: 1, high: 0, medium: 0, low: 0, info: 0 }, identities: 1, waived: 1 });
    expect(parts[1]!.document.findings).toEqual([]);
    expect(parts[2]!.document.inventory!.map((r) => r.id)).toEqual(['r2']);
    for (const p of parts) expect(check('findings', p.document)).toBeNull();
  });

  it('never lets two owners share a file', () => {
    const doc = {
      ...makeDoc({
        findings: [
          finding('NHI-LP-001', { message: 'a', owner: 'Team A' }),
          finding('NHI-LP-001', { message: 'b', owner: 'team-a' }),
          finding('NHI-LP-001', { message: 'c', owner: 'unowned' }),
          finding('NHI-LP-001', { message: 'd' }),
        ],
      }),
      inventory: [],
    };
    const names = splitByOwner(doc).map((p) => p.name);
    expect(new Set(names).size).toBe(4);
    expect(names.filter((n) => n === 'unowned')).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('team-a-'))).toHaveLength(2);
  });

  it("an owner crafted to look like another owner's file name never takes it", () => {
    // The old scheme suffixed a hash only on a clash: "team-a-<hash of Team A>" as an owner name
    // took the file of "Team A". Every name now carries its own owner's hash.
    const victim = 'Team A';
    const crafted = [ownerFileName(victim), ownerFileName(victim).toUpperCase(), `${ownerFileName(victim)}.md`, 'unowned', 'UNOWNED', '../unowned', ''];
    const all = [victim, ...crafted];
    const names = all.map(ownerFileName);
    expect(new Set(names).size).toBe(all.length);
    expect(names).not.toContain(UNOWNED_FILE);
    for (const n of names) expect(n).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{16}$/);
  });

  it("an owner's file name depends on that owner alone, not on which others exist", () => {
    const owners = ['team-lab', 'Team Lab', 'team lab', 'TEAM-LAB', 'team-lab-ops', 'équipe', 'e\u0301quipe'];
    const alone = owners.map((o) => splitByOwner({ ...makeDoc({ findings: [finding('NHI-LP-001', { message: o, owner: o })] }), inventory: [] })[0]!.name);
    const together = splitByOwner({ ...makeDoc({ findings: owners.map((o) => finding('NHI-LP-001', { message: o, owner: o })) }), inventory: [] });
    for (const [i, o] of owners.entries()) expect(together.find((p) => p.owner === o)!.name).toBe(alone[i]);
    expect(new Set(alone).size).toBe(owners.length);
  });

  it('owners differing only in lone surrogates get different files', () => {
    const names = ['ops\uD800', 'ops\uDBFF', 'ops\uDC00', 'ops\uFFFD'].map(ownerFileName);
    expect(new Set(names).size).toBe(4);
  });

  it('splits ten thousand owners in one pass', () => {
    const findings = Array.from({ length: 10_000 }, (_, i) => finding('NHI-LP-001', { message: String(i), owner: `team-${i}` }));
    const parts = splitByOwner({ ...makeDoc({ findings }), inventory: [] });
    expect(parts).toHaveLength(10_000);
    expect(new Set(parts.map((p) => p.name)).size).toBe(10_000);
    expect(parts.every((p) => p.document.findings.length === 1 && p.document.findings[0]!.owner === p.owner)).toBe(true);
  });
});
