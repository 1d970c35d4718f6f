/**
 * Live collection against a real moto server: the collected Inventory (ids, links, tags, decoded
 * documents, rotation, key status and use), the snapshot file and its round trip through
 * `check --snapshot`, and `check --live aws` finding the seeded debt. Secret values never appear.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../checks/live/collect.js';
import type { Inventory } from '../../checks/model.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { CANARY, REGION, seedAccount, useTestCredentials, type SeededAccount } from './account.js';

let moto: MotoServer;
let seeded: SeededAccount;
let inv: Inventory;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nhi-live-'));

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  await moto.reset();
  seeded = await seedAccount(moto.url);
  inv = await collectLive({ region: REGION, endpoint: moto.url });
});

afterAll(async () => {
  await moto?.stop();
});

const byId = <T extends { id: string }>(xs: T[], id: string): T => {
  const x = xs.find((e) => e.id === id);
  if (!x) throw new Error(`${id} not in ${xs.map((e) => e.id).join(', ')}`);
  return x;
};

describe('collectLive against moto', () => {
  it('is a complete, schema-valid live Inventory of the account', () => {
    expect(inv.gaps).toEqual([]);
    expect(check('inventory', inv)).toBeNull();
    expect(inv.accountId).toBe('123456789012');
    // Where the account came from: sts:GetCallerIdentity of the scan's credentials.
    expect(inv.accountSource).toBe('caller-identity');
    expect(inv.region).toBe(REGION);
    expect(inv.inputs).toEqual([{ kind: 'live', file: 'aws:123456789012/us-east-1' }]);
    expect(inv.identities.map((i) => i.id).sort()).toEqual(
      [
        'iam-role:AWSServiceRoleForSupport',
        'iam-role:lab-results',
        'iam-role:legacy-admin',
        'iam-user:batch-export',
        'iam-user:ops-console',
        'iam-user:vendor-sftp',
      ].sort(),
    );
    for (const el of [...inv.identities, ...inv.policies, ...inv.credentials, ...inv.groups]) expect(el.origin.source).toBe('live');
  });

  it('maps roles with trust, tags, inline, customer managed and AWS managed policies', () => {
    const admin = byId(inv.identities, 'iam-role:legacy-admin');
    expect(admin).toMatchObject({
      kind: 'role',
      name: 'legacy-admin',
      arn: 'arn:aws:iam::123456789012:role/legacy-admin',
      maxSessionDuration: 7200,
      change: 'existing',
    });
    expect(admin.tags).toMatchObject({ owner: 'platform-team', 'data-class': 'phi', 'expires-on': '2027-03-01' });
    expect(admin.trust?.known).toBe(true);
    expect(admin.trust?.document?.statements[0]).toMatchObject({
      effect: 'Allow',
      actions: ['sts:assumerole'],
      principals: { service: ['lambda.amazonaws.com'] },
    });
    expect(admin.policies).toEqual([{ policy: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
    expect(byId(inv.policies, 'arn:aws:iam::aws:policy/AdministratorAccess')).toMatchObject({ type: 'aws-managed', name: 'AdministratorAccess' });

    const lab = byId(inv.identities, 'iam-role:lab-results');
    expect(lab.path).toBe('/service/');
    expect(lab.policies.map((l) => l.policy).sort()).toEqual([seeded.customPolicyArn, 'inline:role:lab-results:own-prefix'].sort());
    // URL-decoded documents: the Sid with a space and the policy variable survive intact.
    const managed = byId(inv.policies, seeded.customPolicyArn);
    expect(managed).toMatchObject({ type: 'managed', name: 'lab-results-read', arn: seeded.customPolicyArn });
    expect(managed.document.document?.statements[0]).toMatchObject({
      sid: 'Read results',
      actions: ['s3:getobject'],
      resources: ['arn:aws:s3:::lab-results/*'],
    });
    const inline = byId(inv.policies, 'inline:role:lab-results:own-prefix');
    expect(inline.document.document?.statements[0]?.conditions).toEqual([{ operator: 'StringLike', key: 's3:prefix', values: ['${aws:username}/*'] }]);

    const slr = byId(inv.identities, 'iam-role:AWSServiceRoleForSupport');
    expect(slr.path).toBe('/aws-service-role/support.amazonaws.com/');
  });

  it('maps users with groups, group policies, inline policies and usage', () => {
    const vendor = byId(inv.identities, 'iam-user:vendor-sftp');
    expect(vendor.groups).toEqual(['iam-group:vendors']);
    expect(vendor.policies).toEqual([{ policy: 'inline:user:vendor-sftp:drop-box' }]);
    expect(byId(inv.groups, 'iam-group:vendors').policies).toEqual([{ policy: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]);
    // Used through one of its keys.
    expect(typeof vendor.usage?.lastUsed).toBe('string');
    expect(byId(inv.identities, 'iam-user:batch-export').usage?.lastUsed).toBeNull();
  });

  it('reads access keys with status and last use, and login profiles from the credential report', () => {
    const used = byId(inv.credentials, `access-key:${seeded.usedKeyId}`);
    expect(used).toMatchObject({ kind: 'access-key', name: seeded.usedKeyId, identity: 'iam-user:vendor-sftp', status: 'Active' });
    expect(typeof used.lastUsed).toBe('string');
    expect(typeof used.createDate).toBe('string');
    expect(byId(inv.credentials, `access-key:${seeded.unusedKeyId}`)).toMatchObject({ status: 'Active', lastUsed: null });
    expect(byId(inv.credentials, `access-key:${seeded.inactiveKeyId}`)).toMatchObject({
      status: 'Inactive',
      identity: 'iam-user:batch-export',
      lastUsed: null,
    });
    expect(byId(inv.credentials, 'login-profile:ops-console')).toMatchObject({ kind: 'login-profile', identity: 'iam-user:ops-console', lastUsed: null });
    expect(inv.credentials.filter((c) => c.kind === 'login-profile')).toHaveLength(1);
  });

  it('reads secrets with rotation, tags and KMS key, never their values', () => {
    const rotated = byId(inv.credentials, 'secret:lab/hl7-password');
    expect(rotated).toMatchObject({ kind: 'secret', tags: { owner: 'lab-team' }, kms: { customerManaged: true }, value: { present: true, literal: false } });
    expect(rotated.rotation).toMatchObject({ enabled: true, intervalDays: 30 });
    expect(typeof rotated.rotation?.lastRotated).toBe('string');
    const plain = byId(inv.credentials, 'secret:vendor/sftp-token');
    expect(plain).toMatchObject({ kms: { customerManaged: false }, rotation: { enabled: false, intervalDays: null, lastRotated: null } });
    expect(JSON.stringify(inv)).not.toContain(CANARY);
    expect(JSON.stringify(inv)).not.toContain('Pa55word');
  });
});

describe('snapshot and check on live state', () => {
  const env = () => ({ ...process.env, AWS_REGION: REGION });

  it('snapshot --live aws writes a schema-valid Inventory that check --snapshot reads offline', async () => {
    const file = path.join(tmp, 'snap.json');
    const s = await runCli(['snapshot', '--live', 'aws', '--endpoint', moto.url, '--output', file], env());
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(CANARY);
    const snap = JSON.parse(text);
    expect(check('inventory', snap)).toBeNull();
    expect(snap.identities).toHaveLength(6);

    const r = await runCli(['check', '--snapshot', file, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(check('findings', doc)).toBeNull();
    expect(doc.inputs).toEqual([{ kind: 'live', file }]);
    expect(doc.gaps).toBeUndefined();
    const ids = (rule: string) => doc.findings.filter((f: { ruleId: string }) => f.ruleId === rule).map((f: { resource: { name: string } }) => f.resource.name);
    expect(ids('NHI-LP-004')).toEqual(['legacy-admin']);
    expect(ids('NHI-ROT-003')).toEqual(expect.arrayContaining([seeded.usedKeyId, seeded.unusedKeyId, seeded.inactiveKeyId]));
    expect(ids('NHI-ROT-001')).toContain('vendor/sftp-token');
    expect(r.stdout).not.toContain(CANARY);

    // The same findings straight from the account.
    const live = await runCli(['check', '--live', 'aws', '--endpoint', moto.url, '--region', REGION, '--format', 'json', '--fail-on', 'none'], env());
    expect(live.code).toBe(0);
    const liveDoc = JSON.parse(live.stdout);
    const key = (f: { ruleId: string; resource: { name: string } }) => `${f.ruleId} ${f.resource.name}`;
    expect(liveDoc.findings.map(key).sort()).toEqual(doc.findings.map(key).sort());
  });

  it('check --live aws finds NHI-LP-004 on the admin role and NHI-ROT-003 on the user key; text and stderr stay free of secrets', async () => {
    const r = await runCli(['check', '--live', 'aws', '--endpoint', moto.url, '--region', REGION, '--fail-on', 'high'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/NHI-LP-004 .*legacy-admin|legacy-admin[\s\S]*NHI-LP-004/);
    expect(r.stdout).toContain(`NHI-ROT-003  access key ${seeded.usedKeyId} of user vendor-sftp`);
    expect(r.stdout).not.toContain('INCOMPLETE');
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(CANARY);
      expect(out).not.toContain('Pa55word');
    }
  });

  it('inventory --live aws lists live identities with their credentials', async () => {
    const r = await runCli(['inventory', '--live', 'aws', '--endpoint', moto.url], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vendor-sftp\s+user\s+integration-team/);
    expect(r.stdout).toContain('access-key:Active,access-key:Active');
    expect(r.stdout).not.toContain(CANARY);
  });

  it('a missing region is a usage error (exit 2, one line)', async () => {
    const e = { ...process.env };
    delete e.AWS_REGION;
    delete e.AWS_DEFAULT_REGION;
    const r = await runCli(['check', '--live', 'aws', '--endpoint', moto.url], e);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nhi-guard: no AWS region: give --region or set AWS_REGION (or AWS_DEFAULT_REGION)\n');
  });

  it('a bad snapshot is exit 2 naming the file and the JSON path', async () => {
    const file = path.join(tmp, 'snap.json');
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    snap.credentials[0].status = 'Sometimes';
    const bad = path.join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify(snap));
    const r = await runCli(['check', '--snapshot', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^nhi-guard: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\$\\.credentials\\[0\\]\\.status: must be one of "Active", "Inactive"\\n$`),
    );

    const declared = { ...JSON.parse(readFileSync(file, 'utf8')), inputs: [{ kind: 'plan', file: 'plan.json' }] };
    writeFileSync(bad, JSON.stringify(declared));
    const r2 = await runCli(['check', '--snapshot', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${bad}: $.inputs[0].kind: is not a live snapshot`);

    writeFileSync(bad, '{"schemaVersion": 1, "inputs": [');
    const r3 = await runCli(['check', '--snapshot', bad]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toBe(`nhi-guard: ${bad}: is not valid JSON (truncated: unexpected end of input)\n`);
  });
});
