/**
 * The bounded access facts of the policy input (checks/access/facts.ts): per store a count of the
 * distinct principals, whether anyone reaches it, the first ACCESS_SHOWN by label (code-point
 * order, as Rego sorts) and those with a usage record; indirect reaches of phi stores only.
 */
import { describe, expect, it } from 'vitest';
import { ACCESS_SHOWN, accessFacts, codePointCompare } from '../../checks/access/facts.js';
import { emptyInventory, type AccessMapData, type AccessReach, type Identity } from '../../checks/model.js';

const role = (name: string, usage?: Identity['usage']): Identity => ({
  id: `role/${name}`,
  kind: 'role',
  name,
  tags: {},
  policies: [],
  groups: [],
  change: 'create',
  origin: { source: 'plan' },
  ...(usage ? { usage } : {}),
});

const reach = (principal: string, store: string, via: AccessReach['via'] = 'identity-policy'): AccessReach => ({
  principal,
  store,
  level: 'read',
  levels: ['read'],
  via,
  chain: via === 'role-chain' ? ['role/hop'] : [],
  path: [],
});

function sorted(reaches: AccessReach[]): AccessReach[] {
  return [...reaches].sort((a, b) => (a.store + '\0' + a.principal + '\0' + a.via < b.store + '\0' + b.principal + '\0' + b.via ? -1 : 1));
}

describe('bounded access facts', () => {
  // 30 roles, named so that id order and label order differ, each reaching the phi bucket; one also through a chain.
  const names = Array.from({ length: 30 }, (_, i) => `${String.fromCharCode(122 - (i % 26))}-svc-${i}`);
  const inv = emptyInventory();
  inv.identities = [...names.map((n) => role(n)), role('dormant', { lastUsed: null, ageDays: 400 }), role('hop')];
  const map: AccessMapData = {
    stores: [
      { id: 's3/scans', kind: 's3', name: 'scans', dataClass: 'phi' },
      { id: 's3/contacts', kind: 's3', name: 'contacts', dataClass: 'pii' },
      { id: 's3/empty', kind: 's3', name: 'empty', dataClass: 'phi' },
    ],
    principals: [{ id: '*', kind: 'any', ownAccount: false }],
    reaches: sorted([
      ...names.map((n) => reach(`role/${n}`, 's3/scans')),
      reach(`role/${names[3]}`, 's3/scans', 'role-chain'),
      reach('role/dormant', 's3/scans'),
      reach('*', 's3/contacts', 'resource-policy'),
      reach(`role/${names[0]}`, 's3/contacts', 'role-chain'),
    ]),
  };
  const facts = accessFacts(map, inv);
  const store = (id: string) => facts.stores.find((s) => s.id === id)!;

  it('counts distinct principals, and names only the first by label', () => {
    const scans = store('s3/scans');
    expect(scans.reachCount).toBe(31);
    expect(scans.reachedByAnyone).toBe(false);
    expect(scans.shown).toHaveLength(ACCESS_SHOWN);
    const labels = [...names.map((n) => `role ${n}`), 'role dormant'].sort(codePointCompare);
    expect(scans.shown.map((i) => facts.principalIds[i])).toEqual(labels.slice(0, ACCESS_SHOWN).map((l) => `role/${l.slice('role '.length)}`));
    expect(scans.reachedByUsed.map((i) => facts.principalIds[i])).toEqual(['role/dormant']);
    expect(store('s3/empty')).toMatchObject({ reachCount: 0, reachedByAnyone: false, shown: [], reachedByUsed: [] });
  });

  it('marks a store anyone reaches, and keeps the indirect reaches of phi stores only', () => {
    expect(store('s3/contacts')).toMatchObject({ reachCount: 2, reachedByAnyone: true });
    expect(facts.indirect).toEqual([reach(`role/${names[3]}`, 's3/scans', 'role-chain')]);
  });

  it('writes no list of every principal: the ids are those the stores name', () => {
    expect(facts.principalIds.length).toBeLessThan(ACCESS_SHOWN * 2 + 2);
    expect(JSON.stringify(facts)).not.toContain('reachedBy"');
  });

  it('orders labels by code point, as Rego sorts strings', () => {
    expect(codePointCompare('a\u{1F600}', 'a\uFFFD')).toBeGreaterThan(0);
    expect('a\u{1F600}' < 'a\uFFFD').toBe(true);
    expect(codePointCompare('role a', 'role b')).toBeLessThan(0);
    expect(codePointCompare('role a', 'role a')).toBe(0);
    expect(codePointCompare('role a', 'role ab')).toBeLessThan(0);
  });
});
