/** --split-by owner: one document per owner, safe file names, the unowned part. */
import { describe, expect, it } from 'vitest';
import { slug, splitByOwner, UNOWNED_FILE } from '../../checks/drift/split.js';
import type { InventoryRow } from '../../checks/inventoryRows.js';
import { check } from '../../checks/schemas/index.js';
import { finding, makeDoc } from '../reports/fixture.js';

const row = (id: string, owner?: string): InventoryRow => ({ id, element: 'identity', type: 'iam-role', kind: 'role', name: id, source: 'live', change: 'existing', findings: 0, ...(owner ? { owner } : {}) });

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
    expect(parts.map((p) => [p.name, p.owner])).toEqual([
      ['team-a', 'team-a'],
      ['team-b', 'Team B'],
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
    const doc = { ...makeDoc({ findings: [finding('NHI-LP-001', { message: 'a', owner: 'Team A' }), finding('NHI-LP-001', { message: 'b', owner: 'team-a' }), finding('NHI-LP-001', { message: 'c', owner: 'unowned' }), finding('NHI-LP-001', { message: 'd' })] }), inventory: [] };
    const names = splitByOwner(doc).map((p) => p.name);
    expect(new Set(names).size).toBe(4);
    expect(names).toContain('unowned');
    expect(names.filter((n) => n.startsWith('team-a'))).toHaveLength(2);
  });
});
