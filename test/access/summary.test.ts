/**
 * The access map in the findings document (checks/access/summary.ts): each principal written once
 * and named by index, a store's reaches with the same way in, levels and route written once, no
 * route for own-policy reaches; expanded back to the same rows; the 1.1.0 form (stores with inline
 * principals) still read; documents merged with each store's account kept.
 */
import { describe, expect, it } from 'vitest';
import type { AccessEntry, AccessStoreEntry } from '../../checks/access/document.js';
import { accessStores, compactAccess, mergeAccess, type AccessStoreSummary } from '../../checks/access/summary.js';
import { check } from '../../checks/schemas/index.js';
import { makeDoc } from '../reports/fixture.js';

const entry = (name: string, levels: AccessEntry['levels'], via: AccessEntry['via'] = 'identity-policy', owner = 'team-a'): AccessEntry => ({
  principal: { id: `role/${name}`, kind: 'role', label: `role ${name}`, owner, dataClass: 'internal' },
  level: levels[levels.length - 1]!,
  levels,
  via,
  chain: via === 'role-chain' ? ['role reader'] : [],
  route: `role ${name} → ${via === 'role-chain' ? 'assumes role reader → ' : ''}p #0 allows s3:getobject → s3 b`,
  steps: [{ kind: 'grant', from: `role/${name}`, to: 's3/b', policy: 'p', statement: 0, actions: ['s3:getobject'] }],
});

const store = (name: string, dataClass: string, reaches: AccessEntry[]): AccessStoreEntry => ({
  id: `s3/${name}`,
  kind: 's3',
  name,
  label: `s3 ${name}`,
  dataClass,
  owner: 'data-team',
  reaches,
});

/** 40 roles with read+write on each of 3 phi buckets, one of them also through a chain; a pii bucket. */
function bigMap(): AccessStoreEntry[] {
  const roles = Array.from({ length: 40 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  const phi = ['scans', 'labs', 'claims'].map((b) =>
    store(b, 'phi', [...roles.map((r) => entry(r, ['read', 'write'])), entry('analytics', ['read'], 'role-chain')]),
  );
  return [...phi, store('contacts', 'pii', [entry('svc-00', ['read'])])];
}

describe('the compact access map of the findings document', () => {
  it('writes each principal once and each group of alike reaches once; phi stores only', () => {
    const a = compactAccess(bigMap());
    expect(a.principals).toHaveLength(41);
    expect(a.stores.map((s) => s.label)).toEqual(['s3 scans', 's3 labs', 's3 claims']);
    for (const s of a.stores) {
      expect(s.reaches).toHaveLength(2);
      expect(s.reaches[0]).toEqual({ principals: Array.from({ length: 40 }, (_, i) => i), levels: ['read', 'write'], via: 'identity-policy' });
      expect(s.reaches[1]).toEqual({
        principals: [40],
        levels: ['read'],
        via: 'role-chain',
        route: 'role analytics → assumes role reader → p #0 allows s3:getobject → s3 b',
      });
    }
    // Over four times smaller than the same rows with their principals inline (the 1.1.0 form).
    const inline = accessStores(a);
    expect(JSON.stringify(a).length * 4).toBeLessThan(JSON.stringify(inline).length);
    expect(check('findings', { ...makeDoc({}), access: a })).toBeNull();
  });

  it('expands to one row per principal and store with its strongest level, as written', () => {
    const rows = accessStores(compactAccess(bigMap()));
    expect(rows).toHaveLength(3);
    expect(rows[0]!.reaches).toHaveLength(41);
    expect(rows[0]!.reaches[7]).toEqual({
      principal: { kind: 'role', label: 'role svc-07', owner: 'team-a' },
      level: 'write',
      levels: ['read', 'write'],
      via: 'identity-policy',
    });
    expect(rows[0]!.reaches[40]).toMatchObject({
      principal: { label: 'role analytics' },
      level: 'read',
      via: 'role-chain',
      route: expect.stringContaining('assumes role reader'),
    });
  });

  it('principals that differ in owner or last use stay apart', () => {
    const live = (lastUsed: string | null) => ({ ...entry('svc', ['read']), principal: { ...entry('svc', ['read']).principal, lastUsed } });
    const a = compactAccess([
      store('x', 'phi', [live('2026-01-01T00:00:00Z')]),
      store('y', 'phi', [live(null)]),
      store('z', 'phi', [entry('svc', ['read'], 'identity-policy', 'team-b')]),
    ]);
    expect(a.principals.map((p) => [p.owner, p.lastUsed])).toEqual([
      ['team-a', '2026-01-01T00:00:00Z'],
      ['team-a', null],
      ['team-b', undefined],
    ]);
  });

  it('reads the 1.1.0 form (an array of stores with inline principals) as it is', () => {
    const old: AccessStoreSummary[] = [
      {
        id: 's3/b',
        kind: 's3',
        name: 'b',
        label: 's3 b',
        dataClass: 'phi',
        reaches: [{ principal: { kind: 'role', label: 'role r' }, level: 'read', levels: ['read'], via: 'identity-policy' }],
      },
    ];
    expect(check('findings', { ...makeDoc({}), access: old })).toBeNull();
    expect(accessStores(old)).toBe(old);
    expect(accessStores(undefined)).toEqual([]);
  });

  it('merges documents of several accounts: every store kept with its account, principals united', () => {
    const one = compactAccess([store('labs', 'phi', [entry('reporting', ['read'])])], '111111111111');
    const two = compactAccess([store('labs', 'phi', [entry('reporting', ['read']), entry('etl', ['write'])])]);
    const m = mergeAccess([one, two], [undefined, '222222222222'])!;
    expect(m.principals.map((p) => p.label)).toEqual(['role reporting', 'role etl']);
    expect(accessStores(m).map((s) => `${s.account} ${s.label}: ${s.reaches.map((r) => r.principal.label).join(', ')}`)).toEqual([
      '111111111111 s3 labs: role reporting',
      '222222222222 s3 labs: role reporting, role etl',
    ]);
    expect(mergeAccess([])).toBeUndefined();
  });
});
