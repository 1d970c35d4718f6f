import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../checks/loaders/inventoryBuilder.js';
import { Unresolved, type ResourceRecord } from '../../checks/loaders/values.js';

const origin = (address: string, stack?: string) => ({ source: 'synth' as const, address, ...(stack ? { stack } : {}) });
const role = (address: string, name: string, stack?: string): ResourceRecord => ({
  mode: 'managed',
  type: 'aws_iam_role',
  address,
  values: { name, assume_role_policy: '{"Version":"2012-10-17","Statement":[]}' },
  change: 'create',
  origin: origin(address, stack),
});
const policy = (address: string, ref: string, stack?: string): ResourceRecord => ({
  mode: 'managed',
  type: 'aws_iam_role_policy',
  address,
  values: {
    name: 'p',
    role: new Unresolved([ref], 'unknown until apply'),
    policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
  },
  change: 'create',
  origin: origin(address, stack),
});

describe('a reference without instance key', () => {
  it('links every instance of the resource in its own scope, keys with dots and brackets included, in declaration order', () => {
    const inv = buildInventory(
      [
        role('aws_iam_role.r["a.b"]', 'ab', 's1'),
        role('aws_iam_role.rr["z"]', 'other', 's1'),
        role('aws_iam_role.r["x[1]"]', 'x1', 's1'),
        role('aws_iam_role.r["c"]', 'c-elsewhere', 's2'),
        role('module.m["k"].aws_iam_role.r["q"]', 'in-module', 's1'),
        policy('aws_iam_role_policy.p', 'aws_iam_role.r', 's1'),
      ],
      [{ kind: 'synth', file: 'cdk.tf.json' }],
    );
    const linked = inv.identities.filter((i) => i.policies.length > 0).map((i) => i.name);
    expect(linked).toEqual(['ab', 'x1']);
  });

  it('links nothing when the reference names one instance that is not declared', () => {
    const inv = buildInventory(
      [role('aws_iam_role.r["a"]', 'a'), policy('aws_iam_role_policy.p', 'aws_iam_role.r["b"]')],
      [{ kind: 'synth', file: 'cdk.tf.json' }],
    );
    expect(inv.identities.every((i) => i.policies.length === 0)).toBe(true);
  });
});
