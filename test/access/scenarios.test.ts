/**
 * Scenario table of the effective access computation (checks/access/): small Inventories, enriched
 * as a run enriches them, and the reaches expected, written out by hand from the IAM semantics
 * (not taken from the output). A reach is "principal -> store level via [chain]".
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { computeAccess } from '../../checks/access/compute.js';
import { accessDelta } from '../../checks/access/delta.js';
import { accessDocument } from '../../checks/access/document.js';
import { renderAccessMarkdown } from '../../checks/access/render.js';
import type { PolicyConfig } from '../../checks/engine/policyData.js';
import { enrich } from '../../checks/enrich/index.js';
import { emptyInventory, type DataStore, type Identity, type Inventory, type Policy, type Statement } from '../../checks/model.js';

const ACCT = '111122223333';
const VENDOR = '444455556666';
const config = (JSON.parse(readFileSync('policies/data.json', 'utf8')) as { nhi: { config: PolicyConfig } }).nhi.config;
const origin = { source: 'state' as const };

type Stmt = Partial<Statement> & { effect: 'Allow' | 'Deny' };
const st = (s: Stmt): Statement => ({ conditions: [], ...s, ...(s.actions ? { actions: s.actions.map((a) => a.toLowerCase()) } : {}) });
const doc = (...s: Stmt[]) => ({ known: true, document: { statements: s.map(st) } });
const allow = (actions: string[], resources: string[]): Stmt => ({ effect: 'Allow', actions, resources });
const deny = (actions: string[], resources: string[]): Stmt => ({ effect: 'Deny', actions, resources });
const trustAws = (...arns: string[]) => doc({ effect: 'Allow', actions: ['sts:AssumeRole'], principals: { aws: arns } });
const roleArn = (n: string, acct = ACCT) => `arn:aws:iam::${acct}:role/${n}`;

interface RoleSpec {
  name: string;
  trust?: ReturnType<typeof doc>;
  allow?: Stmt[];
  boundary?: Stmt[];
  dataClass?: string;
}

function build(roles: RoleSpec[], stores: Array<Partial<DataStore> & { name: string }>): Inventory {
  const inv = emptyInventory([{ kind: 'state', file: 'scenario.json' }]);
  inv.accountId = ACCT;
  for (const r of roles) {
    const policies: Policy[] = [];
    if (r.allow)
      policies.push({ id: `policy:${r.name}`, name: `${r.name}-permissions`, type: 'inline', document: doc(...r.allow), change: 'existing', origin });
    const i: Identity = {
      id: `role:${r.name}`,
      kind: 'role',
      name: r.name,
      arn: roleArn(r.name),
      tags: { 'data-class': r.dataClass ?? 'internal' },
      trust: r.trust ?? doc(),
      policies: policies.map((p) => ({ policy: p.id })),
      groups: [],
      change: 'existing',
      origin,
    };
    if (r.boundary) {
      const b: Policy = { id: `boundary:${r.name}`, name: `${r.name}-boundary`, type: 'managed', document: doc(...r.boundary), change: 'existing', origin };
      policies.push(b);
      i.permissionsBoundary = { policy: b.id };
    }
    inv.identities.push(i);
    inv.policies.push(...policies);
  }
  for (const s of stores) {
    inv.dataStores.push({
      id: `${s.kind ?? 's3'}:${s.name}`,
      kind: 's3',
      tags: { 'data-class': 'phi' },
      change: 'existing',
      origin,
      arn: `arn:aws:s3:::${s.name}`,
      ...s,
    });
  }
  return inv;
}

async function reaches(inv: Inventory): Promise<string[]> {
  await enrich(inv, { config, now: new Date('2026-11-22T00:00:00Z') });
  return computeAccess(inv, config)
    .reaches.map((r) => `${r.principal} -> ${r.store} ${r.levels.join('+')} ${r.via}${r.chain.length ? ` [${r.chain.join(' > ')}]` : ''}`)
    .sort();
}

const images = { name: 'derm-images' };
const READ = allow(['s3:GetObject'], ['arn:aws:s3:::derm-images/*']);
const assume = (...names: string[]) =>
  allow(
    ['sts:AssumeRole'],
    names.map((n) => roleArn(n)),
  );

describe('effective access: role chains', () => {
  it('depth 1: a role that may assume the reader, admitted by its trust, reads through it', async () => {
    const inv = build(
      [
        { name: 'analytics', allow: [assume('reader')] },
        { name: 'reader', trust: trustAws(roleArn('analytics')), allow: [READ] },
      ],
      [images],
    );
    expect(await reaches(inv)).toEqual([
      'role:analytics -> s3:derm-images read role-chain [role:reader]',
      'role:reader -> s3:derm-images read identity-policy',
    ]);
  });

  it('depth 1 needs both sides: trust without the AssumeRole grant, or the grant without trust, reaches nothing', async () => {
    const trustOnly = build([{ name: 'analytics' }, { name: 'reader', trust: trustAws(roleArn('analytics')), allow: [READ] }], [images]);
    expect(await reaches(trustOnly)).toEqual(['role:reader -> s3:derm-images read identity-policy']);
    const grantOnly = build(
      [
        { name: 'analytics', allow: [assume('reader')] },
        { name: 'reader', trust: trustAws(roleArn('someone-else')), allow: [READ] },
      ],
      [images],
    );
    expect(await reaches(grantOnly)).toEqual([
      'arn:aws:iam::111122223333:role/someone-else -> s3:derm-images read role-chain [role:reader]',
      'role:reader -> s3:derm-images read identity-policy',
    ]);
  });

  it('depth 3: a -> b -> c -> reader, each hop granted and admitted (the account root admits any principal its policies allow)', async () => {
    const inv = build(
      [
        { name: 'a', allow: [assume('b')] },
        { name: 'b', trust: trustAws(roleArn('a')), allow: [assume('c')] },
        { name: 'c', trust: trustAws(`arn:aws:iam::${ACCT}:root`), allow: [allow(['sts:AssumeRole'], [`arn:aws:iam::${ACCT}:role/read*`])] },
        { name: 'reader', trust: trustAws(roleArn('c')), allow: [READ] },
      ],
      [images],
    );
    expect(await reaches(inv)).toEqual([
      'role:a -> s3:derm-images read role-chain [role:b > role:c > role:reader]',
      'role:b -> s3:derm-images read role-chain [role:c > role:reader]',
      'role:c -> s3:derm-images read role-chain [role:reader]',
      'role:reader -> s3:derm-images read identity-policy',
    ]);
  });

  it('a cycle (a <-> b) ends, and each still reaches what the other leads to', async () => {
    const inv = build(
      [
        { name: 'a', trust: trustAws(roleArn('b')), allow: [assume('b')] },
        { name: 'b', trust: trustAws(roleArn('a')), allow: [assume('a', 'reader')] },
        { name: 'reader', trust: trustAws(roleArn('b')), allow: [READ] },
      ],
      [images],
    );
    expect(await reaches(inv)).toEqual([
      'role:a -> s3:derm-images read role-chain [role:b > role:reader]',
      'role:b -> s3:derm-images read role-chain [role:reader]',
      'role:reader -> s3:derm-images read identity-policy',
    ]);
  });

  it('a Deny in the middle of the chain (on b, for sts:AssumeRole on the reader) cuts it', async () => {
    const inv = build(
      [
        { name: 'a', allow: [assume('b')] },
        { name: 'b', trust: trustAws(roleArn('a')), allow: [allow(['sts:AssumeRole'], ['*']), deny(['sts:AssumeRole'], [roleArn('reader')])] },
        { name: 'reader', trust: trustAws(roleArn('b')), allow: [READ] },
      ],
      [images],
    );
    expect(await reaches(inv)).toEqual(['role:reader -> s3:derm-images read identity-policy']);
  });

  it('a Deny on the data action removes the read but keeps the write', async () => {
    const inv = build(
      [{ name: 'writer', allow: [allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::derm-images/*']), deny(['s3:Get*'], ['*'])] }],
      [images],
    );
    expect(await reaches(inv)).toEqual(['role:writer -> s3:derm-images write identity-policy']);
  });

  it('a permissions boundary without sts:AssumeRole cuts the path; one that allows it keeps it', async () => {
    const roles = (boundary: Stmt[]): RoleSpec[] => [
      { name: 'analytics', allow: [assume('reader')], boundary },
      { name: 'reader', trust: trustAws(roleArn('analytics')), allow: [READ] },
    ];
    expect(await reaches(build(roles([allow(['s3:*'], ['*'])]), [images]))).toEqual(['role:reader -> s3:derm-images read identity-policy']);
    expect(await reaches(build(roles([allow(['sts:AssumeRole', 's3:*'], ['*'])]), [images]))).toEqual([
      'role:analytics -> s3:derm-images read role-chain [role:reader]',
      'role:reader -> s3:derm-images read identity-policy',
    ]);
  });

  it('a vendor account trusted by a role reaches what the role reaches', async () => {
    const inv = build([{ name: 'vendor', trust: trustAws(`arn:aws:iam::${VENDOR}:root`), allow: [READ] }], [images]);
    expect(await reaches(inv)).toEqual([
      'account:444455556666 -> s3:derm-images read role-chain [role:vendor]',
      'role:vendor -> s3:derm-images read identity-policy',
    ]);
  });
});

describe('effective access: resource policies and KMS', () => {
  const foreign = roleArn('analytics', VENDOR);
  const bucketPolicy = (principal: string) =>
    doc({ effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::derm-images/*'], principals: { aws: [principal] } });

  it('a bucket policy that grants a foreign role gives it read, with no identity policy of ours', async () => {
    const inv = build([], [{ ...images, resourcePolicy: bucketPolicy(foreign) }]);
    expect(await reaches(inv)).toEqual([`${foreign} -> s3:derm-images read resource-policy`]);
  });

  it('a foreign role is outside the own account; with its account among the named own accounts (--own-account twice) it is own', async () => {
    const inv = build([], [{ ...images, resourcePolicy: bucketPolicy(foreign) }]);
    await enrich(inv, { config, now: new Date('2026-11-22T00:00:00Z') });
    expect(computeAccess(inv, config).principals.map((p) => [p.id, p.ownAccount])).toEqual([[foreign, false]]);
    const named = build([], [{ ...images, resourcePolicy: bucketPolicy(foreign) }]);
    named.ownAccounts = [ACCT, VENDOR];
    await enrich(named, { config, now: new Date('2026-11-22T00:00:00Z') });
    expect(computeAccess(named, config).principals.map((p) => [p.id, p.ownAccount])).toEqual([[foreign, true]]);
  });

  it('a bucket policy naming one of our roles is a resource-policy reach of that role; an unconditioned Deny for it removes it', async () => {
    const granted = build([{ name: 'analytics' }], [{ ...images, resourcePolicy: bucketPolicy(roleArn('analytics')) }]);
    expect(await reaches(granted)).toEqual(['role:analytics -> s3:derm-images read resource-policy']);
    const denied = build(
      [{ name: 'analytics' }],
      [
        {
          ...images,
          resourcePolicy: doc(
            { effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::derm-images/*'], principals: { aws: [roleArn('analytics')] } },
            { effect: 'Deny', actions: ['s3:*'], resources: ['arn:aws:s3:::derm-images/*'], principals: { any: true } },
          ),
        },
      ],
    );
    expect(await reaches(denied)).toEqual([]);
  });

  it('reading an object under a customer-managed key needs the key policy: without a grant to the foreign role the read fails', async () => {
    const key = { name: 'derm-key', kind: 'kms' as const, arn: `arn:aws:kms:us-east-1:${ACCT}:key/1234` };
    const encrypted = { ...images, resourcePolicy: bucketPolicy(foreign), kmsKey: 'kms:derm-key' };
    const rootOnly = doc({ effect: 'Allow', actions: ['kms:*'], resources: ['*'], principals: { aws: [`arn:aws:iam::${ACCT}:root`] } });
    expect(await reaches(build([], [encrypted, { ...key, resourcePolicy: rootOnly }]))).toEqual([]);
    const withVendor = doc(
      { effect: 'Allow', actions: ['kms:*'], resources: ['*'], principals: { aws: [`arn:aws:iam::${ACCT}:root`] } },
      { effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'], principals: { aws: [foreign] } },
    );
    expect(await reaches(build([], [encrypted, { ...key, resourcePolicy: withVendor }]))).toEqual([`${foreign} -> s3:derm-images read resource-policy`]);
  });

  it('our own role under the default key policy needs kms:Decrypt in its IAM policy to read (write needs no key here)', async () => {
    const key = { name: 'derm-key', kind: 'kms' as const, arn: `arn:aws:kms:us-east-1:${ACCT}:key/1234` };
    const encrypted = { ...images, kmsKey: 'kms:derm-key' };
    const rw = allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::derm-images/*']);
    expect(await reaches(build([{ name: 'app', allow: [rw] }], [encrypted, key]))).toEqual(['role:app -> s3:derm-images write identity-policy']);
    expect(await reaches(build([{ name: 'app', allow: [rw, allow(['kms:Decrypt'], [key.arn])] }], [encrypted, key]))).toEqual([
      'role:app -> s3:derm-images read+write identity-policy',
    ]);
  });

  // Principals the inputs do not resolve: a reference to no identity of the inputs (a data source,
  // a variable, a role declared elsewhere; ARNs known only after apply) or an entry that is no ARN.
  const VENDOR_REF = '${data.aws_iam_role.vendor.arn}';

  it('a bucket policy naming a reference no input resolves maps it as an unresolved principal, with the entry as written', async () => {
    const inv = build([], [{ ...images, resourcePolicy: bucketPolicy(VENDOR_REF) }]);
    expect(await reaches(inv)).toEqual([`unresolved:${VENDOR_REF} -> s3:derm-images read resource-policy`]);
    const map = computeAccess(inv, config);
    expect(map.principals).toEqual([{ id: `unresolved:${VENDOR_REF}`, kind: 'unresolved', ownAccount: false }]);
    const entry = accessDocument([inv], { now: new Date('2026-11-22T00:00:00Z') }).stores[0]!.reaches[0]!;
    expect(entry.principal).toEqual({ id: `unresolved:${VENDOR_REF}`, kind: 'unresolved', label: `unresolved ${VENDOR_REF}` });
    expect(entry.route).toBe(`unresolved ${VENDOR_REF} → the resource policy of s3 derm-images, statement #0, allows s3:getobject → s3 derm-images`);
  });

  it('an entry that is no ARN (a unique id) is unresolved too; a reference to one of our roles is that role', async () => {
    expect(await reaches(build([], [{ ...images, resourcePolicy: bucketPolicy('AROAEXAMPLEUNIQUEID') }]))).toEqual([
      'unresolved:AROAEXAMPLEUNIQUEID -> s3:derm-images read resource-policy',
    ]);
    const declared = build([{ name: 'vendor' }], [{ ...images, resourcePolicy: bucketPolicy('${aws_iam_role.vendor.arn}') }]);
    declared.identities[0]!.origin = { source: 'plan', address: 'aws_iam_role.vendor' };
    declared.dataStores[0]!.origin = { source: 'plan', address: 'aws_s3_bucket.images' };
    expect(await reaches(declared)).toEqual(['role:vendor -> s3:derm-images read resource-policy']);
  });

  it('under a customer-managed key an unresolved principal reads only when the key policy names it too', async () => {
    const key = { name: 'derm-key', kind: 'kms' as const, arn: `arn:aws:kms:us-east-1:${ACCT}:key/1234` };
    const encrypted = { ...images, resourcePolicy: bucketPolicy(VENDOR_REF), kmsKey: 'kms:derm-key' };
    const root = { effect: 'Allow' as const, actions: ['kms:*'], resources: ['*'], principals: { aws: [`arn:aws:iam::${ACCT}:root`] } };
    expect(await reaches(build([], [encrypted, { ...key, resourcePolicy: doc(root) }]))).toEqual([]);
    const named = doc(root, { effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'], principals: { aws: [VENDOR_REF] } });
    expect(await reaches(build([], [encrypted, { ...key, resourcePolicy: named }]))).toEqual([
      `unresolved:${VENDOR_REF} -> s3:derm-images read resource-policy`,
    ]);
  });

  it('a trust policy admitting an unresolved principal: it reaches what the role reaches', async () => {
    const inv = build([{ name: 'bridge', trust: trustAws('${var.partner_role_arn}'), allow: [READ] }], [images]);
    expect(await reaches(inv)).toEqual([
      'role:bridge -> s3:derm-images read identity-policy',
      'unresolved:${var.partner_role_arn} -> s3:derm-images read role-chain [role:bridge]',
    ]);
  });

  it('Action "*" on "*" is admin (with read and write) on every mapped store; internal data is not mapped', async () => {
    const inv = build(
      [{ name: 'admin', allow: [allow(['*'], ['*'])] }],
      [images, { name: 'exports', tags: { 'data-class': 'internal' } }, { name: 'contacts', tags: { 'data-class': 'pii' } }],
    );
    expect(await reaches(inv)).toEqual([
      'role:admin -> s3:contacts read+write+admin identity-policy',
      'role:admin -> s3:derm-images read+write+admin identity-policy',
    ]);
  });
});

describe('access delta against a baseline', () => {
  it('a pull request that lets analytics assume the reader: "this change gives role analytics read on s3 derm-images through ..."', async () => {
    const reader: RoleSpec = { name: 'reader', trust: trustAws(roleArn('analytics')), allow: [READ] };
    const before = build([{ name: 'analytics' }, reader], [images]);
    const after = build([{ name: 'analytics', allow: [assume('reader')] }, reader], [images]);
    for (const inv of [before, after]) await enrich(inv, { config, now: new Date('2026-11-22T00:00:00Z') });
    const now = new Date('2026-11-22T00:00:00Z');
    const doc = accessDocument([after], { now });
    const delta = accessDelta(accessDocument([before], { now }).stores, doc.stores, 'main-access.json');
    expect(delta.lost).toEqual([]);
    expect(delta.gained.map((d) => `${d.principal} ${d.levels.join('+')} ${d.store}`)).toEqual(['role analytics read s3 derm-images']);
    expect(delta.gained[0]!.route).toBe(
      'role analytics → assumes role reader (analytics-permissions #0 allows sts:AssumeRole, trust statement #0 admits it) → reader-permissions #0 allows s3:getobject → s3 derm-images',
    );
    doc.delta = delta;
    expect(renderAccessMarkdown(doc)).toContain('- 🟧 this change gives role analytics read on s3 derm-images through role analytics → assumes role reader');
    // and the reverse change takes it away
    expect(accessDelta(doc.stores, accessDocument([before], { now }).stores, 'x').lost.map((d) => d.principal)).toEqual(['role analytics']);
  });
});

describe('effective access: Resource "*" judged once per kind of store', () => {
  // Reaches written out by hand: the class answer must be each store's own answer.
  const key = (n: string) => ({ name: `key-${n}`, kind: 'kms' as const, arn: `arn:aws:kms:us-east-1:${ACCT}:key/${n}` });
  const denyWide = {
    known: true,
    document: {
      statements: [st({ effect: 'Deny', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::e/*'], principals: { aws: [roleArn('wide')] } })],
    },
  };
  const stores = [
    { name: 'a' },
    { name: 'b' },
    { name: 'c', kmsKey: 'kms:key-c' },
    { name: 'd', kmsKey: 'kms:key-d' },
    { name: 'e', resourcePolicy: denyWide },
    { name: 'f' },
    key('c'),
    key('d'),
  ];
  it('a key that refuses removes read only, a bucket Deny and an own Deny apply to their store alone', async () => {
    const inv = build(
      [
        {
          name: 'wide',
          allow: [
            allow(['s3:GetObject', 's3:PutObject'], ['*']),
            allow(['kms:Decrypt'], [`arn:aws:kms:us-east-1:${ACCT}:key/d`]),
            deny(['s3:PutObject'], ['arn:aws:s3:::f/*']),
          ],
        },
        { name: 'reader', allow: [allow(['s3:GetObject'], ['*'])] },
      ],
      stores,
    );
    expect(await reaches(inv)).toEqual([
      'role:reader -> s3:a read identity-policy',
      'role:reader -> s3:b read identity-policy',
      'role:reader -> s3:e read identity-policy',
      'role:reader -> s3:f read identity-policy',
      'role:wide -> s3:a read+write identity-policy',
      'role:wide -> s3:b read+write identity-policy',
      'role:wide -> s3:c write identity-policy',
      'role:wide -> s3:d read+write identity-policy',
      'role:wide -> s3:e write identity-policy',
      'role:wide -> s3:f read identity-policy',
    ]);
  });

  it("a read through the class carries the store's own key hop", async () => {
    const inv = build([{ name: 'reader', allow: [allow(['s3:GetObject', 'kms:Decrypt'], ['*'])] }], stores);
    await enrich(inv, { config, now: new Date('2026-11-22T00:00:00Z') });
    const map = computeAccess(inv, config);
    const hop = (s: string) => map.reaches.find((r) => r.store === s)?.path.map((p) => `${p.kind} ${p.to}`);
    expect(hop('s3:a')).toEqual(['grant s3:a']);
    expect(hop('s3:c')).toEqual(['grant s3:c', 'key kms:key-c']);
    expect(hop('s3:d')).toEqual(['grant s3:d', 'key kms:key-d']);
  });
});
