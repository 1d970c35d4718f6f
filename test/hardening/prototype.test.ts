/**
 * Prototype pollution: keys taken from input (tfstate sensitive_attributes paths, plan values and
 * markers, synth resource keys, tags, waiver fields, policy data, live tags) named `__proto__`,
 * `constructor` or `toString` are keys like any other. They never reach Object.prototype, never
 * make a later attribute look sensitive (which hid an `Action "*"` policy), never hide or invent a
 * field, and a secret is never resolvable through them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { planRecords } from '../../checks/loaders/plan.js';
import { loadState, stateRecords } from '../../checks/loaders/state.js';
import { loadSynth } from '../../checks/loaders/synth.js';
import { convertValues, unionMarks } from '../../checks/loaders/tfjson.js';
import { asTags } from '../../checks/loaders/values.js';
import { waiverFact } from '../../checks/waivers.js';
import { mergeOver } from '../../checks/engine/policyData.js';
import { tagsOf } from '../../checks/live/map.js';
import { governanceOf } from '../../checks/enrich/index.js';
import { runCli } from '../support/cli.js';
import { canary } from '../support/hostile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-proto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = ['--now', '2026-11-22T00:00:00Z'];

/** Nothing was added to the prototypes every object and list share. */
function assertPrototypesClean(): void {
  for (const proto of [Object.prototype, Array.prototype]) {
    expect(
      Object.getOwnPropertyNames(proto).filter((k) =>
        ['policy', 'tags', 'owner', 'ruleId', 'resource', 'secret_string', 'polluted', '0', 'description'].includes(k),
      ),
    ).toEqual([]);
  }
  expect(({} as Record<string, unknown>).policy).toBeUndefined();
}
afterEach(assertPrototypesClean);

const ADMIN = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const TAGS = { owner: 'team-a', purpose: 'p', 'data-class': 'internal', environment: 'prod', 'identity-kind': 'service', 'expires-on': '2026-12-01' };

/** Paths terraform would never write: into the prototype through every spelling. */
const HOSTILE_PATHS = [
  [
    { type: 'get_attr', value: '__proto__' },
    { type: 'get_attr', value: 'policy' },
  ],
  [
    { type: 'get_attr', value: 'constructor' },
    { type: 'get_attr', value: 'prototype' },
    { type: 'get_attr', value: 'policy' },
  ],
  [
    { type: 'get_attr', value: 'tags' },
    { type: 'index', value: { value: '__proto__', type: 'string' } },
    { type: 'get_attr', value: 'policy' },
  ],
  [
    { type: 'get_attr', value: 'inline_policy' },
    { type: 'index', value: { value: 0, type: 'number' } },
    { type: 'get_attr', value: '__proto__' },
    { type: 'get_attr', value: 'policy' },
  ],
  [
    { type: 'get_attr', value: 'inline_policy' },
    { type: 'get_attr', value: '__proto__' },
    { type: 'get_attr', value: 'polluted' },
  ],
];

function tfstate(extra: Array<Record<string, unknown>> = []): Record<string, unknown> {
  return {
    version: 4,
    terraform_version: '1.9.0',
    serial: 1,
    lineage: 'x',
    outputs: {},
    resources: [
      {
        mode: 'managed',
        type: 'aws_iam_role',
        name: 'crafted',
        instances: [
          { schema_version: 0, attributes: { name: 'crafted', assume_role_policy: TRUST, tags: TAGS, inline_policy: [] }, sensitive_attributes: HOSTILE_PATHS },
        ],
      },
      {
        mode: 'managed',
        type: 'aws_iam_role',
        name: 'admin',
        instances: [{ schema_version: 0, attributes: { name: 'admin', assume_role_policy: TRUST, tags: TAGS }, sensitive_attributes: [] }],
      },
      {
        mode: 'managed',
        type: 'aws_iam_role_policy',
        name: 'admin',
        instances: [{ schema_version: 0, attributes: { name: 'admin', role: 'admin', policy: ADMIN }, sensitive_attributes: [] }],
      },
      ...extra,
    ],
  };
}

describe('state: crafted sensitive_attributes paths', () => {
  it('never mark a later policy sensitive: the Action "*" policy is still read and fails the gate', async () => {
    const file = path.join(dir, 'crafted.tfstate');
    writeFileSync(file, JSON.stringify(tfstate()));
    const inv = await loadState(file);
    const pol = inv.policies.find((p) => p.id === 'aws_iam_role_policy.admin')!;
    expect(pol.document.known).toBe(true);
    expect(pol.document.document?.statements[0]?.actions).toEqual(['*']);
    const r = await runCli(['check', '--state', file, '--format', 'json', '--fail-on', 'critical', ...NOW]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; resource: { address?: string }; evidence?: Array<{ address?: string }> }> };
    const on = (f: (typeof doc.findings)[number]) => [f.resource, ...(f.evidence ?? [])].map((x) => x.address);
    expect(doc.findings.some((f) => f.ruleId === 'NHI-LP-001' && on(f).includes('aws_iam_role_policy.admin'))).toBe(true);
  });

  it('a path through __proto__ of a real attribute withholds nothing else and marks the key itself', () => {
    const [rec] = stateRecords(
      {
        version: 4,
        resources: [
          {
            mode: 'managed',
            type: 'aws_iam_role',
            name: 'x',
            instances: [
              {
                attributes: { name: 'x', description: 'keep', tags: { ['__proto__']: 'proto-tag', owner: 'o' } },
                sensitive_attributes: [
                  [
                    { type: 'get_attr', value: 'tags' },
                    { type: 'index', value: { value: '__proto__', type: 'string' } },
                  ],
                ],
              },
            ],
          },
        ],
      },
      'x.tfstate',
    );
    expect(rec!.values.description).toBe('keep');
    const tags = rec!.values.tags as Record<string, unknown>;
    expect(Object.hasOwn(tags, '__proto__')).toBe(false);
    expect(tags.owner).toBe('o');
    expect([...(rec!.sensitive ?? [])]).toEqual(['tags.__proto__']);
  });
});

describe('values keyed __proto__ / constructor', () => {
  it('become own keys of prototype-free maps, never a prototype', () => {
    const raw = JSON.parse(
      '{"name":"r","__proto__":{"policy":"inherited","secret_string":"s"},"constructor":{"prototype":{"polluted":1}},"tags":{"__proto__":"a","toString":"b"}}',
    );
    const { values } = convertValues(raw, { file: 'f', at: [] });
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(values.policy).toBeUndefined();
    expect(Object.keys(values).sort()).toEqual(['__proto__', 'constructor', 'name', 'tags']);
    expect(Object.keys(values.tags as object).sort()).toEqual(['__proto__', 'toString']);
  });

  it('a sensitive marker only names its own key: {__proto__: true} or {constructor: true} withholds nothing else', () => {
    const raw = { name: 'r', policy: ADMIN, constructor: 'c' };
    for (const marks of [JSON.parse('{"__proto__":{"policy":true}}'), JSON.parse('{"constructor":true}'), JSON.parse('{"__proto__":true}')]) {
      const { values } = convertValues(raw, { file: 'f', at: [], sensitive: marks });
      expect(values.policy).toBe(ADMIN);
      expect(values.name).toBe('r');
    }
    // An own `policy: true` marker still withholds it.
    expect(convertValues(raw, { file: 'f', at: [], sensitive: { policy: true } }).values.policy).toBeUndefined();
  });

  it('unknown markers keyed constructor or toString add no unknown attribute', () => {
    const { values } = convertValues({ name: 'r' }, { file: 'f', at: [], unknown: JSON.parse('{"__proto__":{"policy":true}}') });
    expect(Object.keys(values)).toEqual(['name']);
    // The method is read, never called: a prototype-free map has none.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the property is read to prove it absent
    expect(convertValues({ name: 'r' }, { file: 'f', at: [], unknown: { name: false } }).values.toString).toBeUndefined();
  });

  it('unionMarks keeps a __proto__ key as data', () => {
    const u = unionMarks(JSON.parse('{"__proto__":{"policy":true}}'), { tags: true }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(u)).toBeNull();
    expect(u.policy).toBeUndefined();
    expect(u.tags).toBe(true);
  });

  it('a plan whose after_sensitive walks into __proto__ still shows the Action "*" policy', () => {
    const policy = { address: 'aws_iam_policy.admin', mode: 'managed', type: 'aws_iam_policy', name: 'admin', values: { name: 'admin', policy: ADMIN } };
    const crafted = {
      address: 'aws_iam_role.crafted',
      mode: 'managed',
      type: 'aws_iam_role',
      name: 'crafted',
      values: { name: 'crafted', assume_role_policy: TRUST },
      sensitive_values: JSON.parse('{"__proto__":{"policy":true},"constructor":{"prototype":{"policy":true}}}'),
    };
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [crafted, policy] } },
      resource_changes: [
        {
          address: crafted.address,
          mode: 'managed',
          type: crafted.type,
          name: 'crafted',
          change: { actions: ['create'], after: crafted.values, after_unknown: {}, after_sensitive: JSON.parse('{"__proto__":{"policy":true}}') },
        },
        {
          address: policy.address,
          mode: 'managed',
          type: policy.type,
          name: 'admin',
          change: { actions: ['create'], after: policy.values, after_unknown: {}, after_sensitive: {} },
        },
      ],
    };
    const recs = planRecords(JSON.parse(JSON.stringify(plan)), 'p.json');
    expect(recs.find((r) => r.address === 'aws_iam_policy.admin')!.values.policy).toBe(ADMIN);
  });
});

describe('tags, governance, waivers, policy data and live tags', () => {
  it('tag maps keep __proto__ and constructor as tags, and governance reads only own tags', () => {
    const tags = asTags(JSON.parse('{"__proto__":"x","constructor":"y","owner":"o"}'));
    expect(Object.getPrototypeOf(tags)).toBeNull();
    expect(Object.keys(tags).sort()).toEqual(['__proto__', 'constructor', 'owner']);
    const live = tagsOf([
      { Key: '__proto__', Value: 'a' },
      { Key: 'toString', Value: 'b' },
    ]);
    expect(Object.keys(live).sort()).toEqual(['__proto__', 'toString']);
    // Tag keys configured as names of Object members find nothing they were not given.
    const config = {
      tagKeys: {
        owner: 'toString',
        purpose: 'constructor',
        dataClass: 'hasOwnProperty',
        environment: 'valueOf',
        expiresOn: '__proto__',
        identityKind: 'isPrototypeOf',
        ticket: 'ticket',
      },
    };
    const g = governanceOf(asTags({ other: 'x' }), { config: config as never, now: new Date('2026-11-22T00:00:00Z') });
    expect(g.owner).toBeUndefined();
    expect(g.purpose).toBeUndefined();
    expect(g.dataClass).toBeUndefined();
  });

  it('a waiver cannot take its fields from a __proto__ object', () => {
    const raw = JSON.parse('{"__proto__":{"ruleId":"NHI-LP-001","resource":"*","owner":"o","reason":"a long enough reason","expiresOn":"2026-12-01"}}');
    const fact = waiverFact(raw, 'w', {}, '$', new Date('2026-11-22T00:00:00Z'));
    expect(fact.ruleId).toBeUndefined();
    expect(fact.resource).toBeUndefined();
    expect(fact.problems.length).toBeGreaterThan(0);
  });

  it('a waiver field spelled like an Object member is an unknown field, not an alias', () => {
    const fact = waiverFact(
      { constructor: 'x', toString: 'y', ruleId: 'NHI-LP-001', resource: 'a', owner: 'o', reason: 'a long enough reason', expiresOn: '2026-12-01' },
      'w',
      {},
      '$',
      new Date('2026-11-22T00:00:00Z'),
    );
    expect(fact.ruleId).toBe('NHI-LP-001');
    expect(fact.problems.join(' ')).toMatch(/constructor|toString|additional/);
  });

  it('policy data merged over the defaults keeps __proto__ as a key and inherits nothing', () => {
    const merged = mergeOver({ a: { b: 1 } }, JSON.parse('{"__proto__":{"polluted":true},"constructor":{"x":1},"a":{"c":2}}')) as Record<string, unknown>;
    expect(merged.polluted).toBeUndefined();
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'a', 'constructor']);
    expect(merged.a).toEqual({ b: 1, c: 2 });
  });
});

describe('synth: resources, attributes and references named __proto__ / constructor', () => {
  it('load as data; a reference through __proto__ never resolves to a secret', async () => {
    const secret = canary('proto-secret');
    const out = path.join(dir, 'synth');
    mkdirSync(path.join(out, 'stacks', 's'), { recursive: true });
    writeFileSync(
      path.join(out, 'manifest.json'),
      JSON.stringify({ version: '0.21.0', stacks: { s: { name: 's', synthesizedStackPath: 'stacks/s/cdk.tf.json' } } }),
    );
    // Computed keys make own properties: the file really holds "__proto__" and "constructor" keys.
    const stack = {
      resource: {
        aws_secretsmanager_secret_version: { v: { secret_id: 'x', secret_string: secret } },
        aws_iam_role: {
          ['__proto__']: { name: 'proto-role', assume_role_policy: TRUST, tags: TAGS },
          constructor: { name: 'ctor-role', assume_role_policy: TRUST, tags: TAGS },
          r: {
            name: 'r',
            assume_role_policy: TRUST,
            description: '${aws_secretsmanager_secret_version.v.__proto__.secret_string}',
            tags: { ...TAGS, owner: '${aws_secretsmanager_secret_version.v.constructor}' },
          },
        },
        aws_iam_role_policy: { admin: { name: 'admin', role: '${aws_iam_role.__proto__.name}', policy: ADMIN } },
      },
    };
    const text = JSON.stringify(stack);
    expect(text).toContain('"__proto__":{"name":"proto-role"');
    writeFileSync(path.join(out, 'stacks', 's', 'cdk.tf.json'), text);
    const inv = await loadSynth(out);
    expect(inv.identities.map((i) => i.name).sort()).toEqual(['ctor-role', 'proto-role', 'r']);
    expect(JSON.stringify(inv)).not.toContain(secret);
    const r = await runCli(['check', '--synth', out, '--format', 'json', '--fail-on', 'none', ...NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
    expect(doc.findings.some((f) => f.ruleId === 'NHI-LP-001')).toBe(true);
  });
});

describe('files the CLI reads: waivers and policy data with __proto__ keys', () => {
  it('a waivers file whose entry hides its fields under __proto__ waives nothing; policy data under __proto__ changes nothing', async () => {
    const file = path.join(dir, 'admin.tfstate');
    writeFileSync(file, JSON.stringify(tfstate()));
    const waivers = path.join(dir, 'proto-waivers.json');
    writeFileSync(
      waivers,
      '{"waivers":[{"__proto__":{"ruleId":"NHI-LP-001","resource":"*","owner":"o","reason":"crafted to waive the admin policy","expiresOn":"2026-12-01"}}]}',
    );
    const data = path.join(dir, 'proto-data.json');
    writeFileSync(data, '{"__proto__":{"waiverMaxDays":100000},"constructor":{"prototype":{"polluted":true}}}');
    const r = await runCli(['check', '--state', file, '--waivers', waivers, '--format', 'json', '--fail-on', 'critical', ...NOW]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; waived: boolean }> };
    expect(doc.findings.filter((f) => f.ruleId === 'NHI-LP-001').every((f) => !f.waived)).toBe(true);
    const d = await runCli(['check', '--state', file, '--data', data, '--format', 'json', '--fail-on', 'none', ...NOW]);
    // The data file is refused (unknown keys) or read without effect; never a crash, never pollution.
    expect([0, 2]).toContain(d.code);
    if (d.code === 2) expect(d.stderr.trim().split('\n')).toHaveLength(1);
  });
});
