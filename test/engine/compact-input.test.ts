import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactInventory } from '../../checks/engine/compactInput.js';
import { emptyInventory, type Inventory, type Policy, type ServiceGrant } from '../../checks/model.js';
import { policyInput } from '../../checks/run.js';

const grantsA: ServiceGrant[] = [{ service: 's3', all: true, resourceLevels: { Read: 3, Write: 2 } }];
const grantsB: ServiceGrant[] = [{ service: 'kms', all: false, actions: [{ action: 'kms:Decrypt', accessLevel: 'Write', wildcardOnly: false }] }];

function policy(id: string, grants?: ServiceGrant[]): Policy {
  return {
    id,
    name: id,
    type: 'managed',
    change: 'no-op',
    origin: { source: 'plan', file: 'plan.json', address: `aws_iam_policy.${id}` },
    document: {
      known: true,
      document: { statements: [{ effect: 'Allow', notActions: ['iam:*'], resources: ['*'], conditions: [], ...(grants ? { notActionGrants: grants } : {}) }] },
    },
  };
}

function inventory(): Inventory {
  const inv = emptyInventory([{ kind: 'plan', file: 'plan.json' }]);
  // Two copies of the same grants (equal, not the same array) and a different one.
  // 'e' has the very array of 'a', as enrichment hands statements with the same NotAction list.
  inv.policies = [
    policy('a', grantsA),
    policy('b', JSON.parse(JSON.stringify(grantsA)) as ServiceGrant[]),
    policy('c', grantsB),
    policy('d'),
    policy('e', grantsA),
  ];
  inv.identities = [
    {
      id: 'aws_iam_role.x',
      kind: 'role',
      name: 'x',
      tags: { owner: 'team-data' },
      policies: [],
      groups: [],
      change: 'no-op',
      origin: { source: 'plan', address: 'aws_iam_role.x' },
      governance: { owner: 'team-data', expiry: { valid: false } },
    },
  ];
  return inv;
}

describe('compactInventory', () => {
  it('leaves out every element origin and tags and shares equal NotAction grants in one table entry', () => {
    const { inventory: out, grants } = compactInventory(inventory());
    const text = JSON.stringify(out);
    expect(text).not.toContain('"origin"');
    expect(text).not.toContain('"tags"');
    expect(text).toContain('"governance"');
    expect(text).not.toContain('notActionGrants"');
    const refs = (out.policies as Array<{ document: { document: { statements: Array<{ notActionGrantsRef?: string }> } } }>).map(
      (p) => p.document.document.statements[0]!.notActionGrantsRef,
    );
    expect(refs[0]).toBe(refs[1]);
    expect(refs[2]).not.toBe(refs[0]);
    expect(refs[3]).toBeUndefined();
    expect(refs[4]).toBe(refs[0]);
    expect(Object.keys(grants).sort()).toEqual([refs[0], refs[2]].sort());
    expect(grants[refs[0]!]).toEqual(grantsA);
    expect(grants[refs[2]!]).toEqual(grantsB);
    expect(Object.getPrototypeOf(grants)).toBeNull();
  });

  it('shares equal expanded Action lists in one table entry', () => {
    const put = [{ action: 's3:PutObject', accessLevel: 'Write', wildcardOnly: false }];
    const inv = inventory();
    const stmt = (actions: typeof put) => ({ effect: 'Allow' as const, actions: ['s3:put*'], resources: ['*'], conditions: [], expandedActions: actions });
    inv.policies = [
      { ...policy('x'), document: { known: true, document: { statements: [stmt(put), stmt(put)] } } },
      { ...policy('y'), document: { known: true, document: { statements: [stmt(JSON.parse(JSON.stringify(put)) as typeof put), stmt([])] } } },
    ];
    const { inventory: out, expansions } = compactInventory(inv);
    expect(JSON.stringify(out)).not.toContain('expandedActions"');
    const refs = (out.policies as Array<{ document: { document: { statements: Array<{ expandedActionsRef?: string }> } } }>).flatMap((p) =>
      p.document.document.statements.map((s) => s.expandedActionsRef),
    );
    expect(refs[0]).toBeDefined();
    expect(refs.slice(0, 3)).toEqual([refs[0], refs[0], refs[0]]);
    expect(refs[3]).not.toBe(refs[0]);
    expect(expansions[refs[0]!]).toEqual(put);
    expect(expansions[refs[3]!]).toEqual([]);
    expect(Object.getPrototypeOf(expansions)).toBeNull();
  });

  it('does not change the Inventory it is given', () => {
    const inv = inventory();
    const before = JSON.stringify(inv);
    compactInventory(inv);
    expect(JSON.stringify(inv)).toBe(before);
  });

  it('policyInput: compact only when asked; the full input is the documented Inventory', () => {
    const inv = inventory();
    const now = new Date('2026-11-22T00:00:00Z');
    const full = JSON.parse(policyInput('plan', inv, now)) as Record<string, unknown>;
    expect(full).toEqual({ source: 'plan', now: '2026-11-22T00:00:00.000Z', inventory: JSON.parse(JSON.stringify(inv)), waivers: [] });
    const compact = JSON.parse(policyInput('plan', inv, now, [], { compact: true })) as {
      grants: Record<string, unknown>;
      inventory: { identities: unknown[] };
    };
    expect(Object.keys(compact.grants)).toHaveLength(2);
    expect(compact.inventory.identities).toEqual([
      {
        id: 'aws_iam_role.x',
        kind: 'role',
        name: 'x',
        policies: [],
        groups: [],
        change: 'no-op',
        governance: { owner: 'team-data', expiry: { valid: false } },
      },
    ]);
  });
});

describe('the pack reads only what the compact input keeps', () => {
  it('no Rego file of policies/ reads an element origin or tags, and only iam.not_action_grants and iam.not_action_grants_ref read notActionGrants, and only iam.expanded_actions reads expandedActions', () => {
    const files = readdirSync('policies', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'));
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const f of files) {
      const lines = readFileSync(path.join('policies', f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/#.*$/, '');
        if (/\borigin\b/.test(code)) offenders.push(`${f}:${i + 1}: origin`);
        if (/\btags\b/.test(code)) offenders.push(`${f}:${i + 1}: tags`);
        if (code.includes('notActionGrants') && !/^not_action_grants(_ref)?\(stmt\) :=/.test(code)) offenders.push(`${f}:${i + 1}: notActionGrants`);
        if (code.includes('expandedActions') && !code.startsWith('expanded_actions(stmt) :=')) offenders.push(`${f}:${i + 1}: expandedActions`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
