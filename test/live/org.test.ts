/**
 * An organization run against moto: a management account and three member accounts (each read
 * through an assumed role), secrets in two regions, tagged PHI buckets, tables and keys.
 * `check --org` gives one findings document with the account on every finding and gap;
 * `snapshot --org` one snapshot per account; AccessDenied on one account's AssumeRole and on one
 * region (fault proxy) give exit 3 with exactly those gaps, the other accounts still reported.
 * `drift --org` with a declaration covering one account (the management account's state): that
 * account compared with it as a one-account drift would, the members not covered (their
 * identities unmanaged) and said so; a member that cannot be assumed is its gap (exit 3).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessStores } from '../../checks/access/summary.js';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { chromium } from '../support/chromium.js';
import { runCli } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { ESTATE_PLAN, ESTATE_TFSTATE } from '../support/estate.js';
import { synthExamples } from '../support/synth.js';
import { REGION, useTestCredentials } from './account.js';
import { MANAGEMENT, ROLE_NAME, SECOND_REGION, seedOrganization, type SeededOrg } from './organization.js';

let moto: MotoServer;
let proxy: FaultProxy;
let org: SeededOrg;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nhi-org-'));
const env = () => ({ ...process.env, AWS_REGION: REGION });
const orgArgs = (endpoint: string) => [
  '--live',
  'aws',
  '--org',
  '--assume-role-name',
  ROLE_NAME,
  '--region',
  REGION,
  '--region',
  SECOND_REGION,
  '--endpoint',
  endpoint,
];

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  org = await seedOrganization(moto.url);
  proxy = await startFaultProxy(moto.url);
}, 180_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

const lp008Accounts = (doc: FindingsDocument) => [...new Set(doc.findings.filter((f) => f.ruleId === 'NHI-LP-008').map((f) => f.account))].sort();

describe('check --org against a moto organization', () => {
  let doc: FindingsDocument;

  beforeAll(async () => {
    const r = await runCli(['check', ...orgArgs(proxy.url), '--format', 'json', '--fail-on', 'none'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    doc = JSON.parse(r.stdout);
  }, 180_000);

  it('is one schema-valid document over every account and region, the account on every finding', () => {
    expect(check('findings', doc)).toBeNull();
    expect(doc.gaps).toBeUndefined();
    expect(doc.inputs.map((i) => i.file).sort()).toEqual(org.accounts.flatMap((a) => [`aws:${a}/${REGION}`, `aws:${a}/${SECOND_REGION}`]).sort());
    for (const f of doc.findings) expect(org.accounts, f.message).toContain(f.account);
    // The management account's seeded debt, and each member's PHI boundary, found in their account.
    expect(doc.findings.find((f) => f.ruleId === 'NHI-LP-004')).toMatchObject({ account: MANAGEMENT, resource: { name: 'legacy-admin' } });
    expect(lp008Accounts(doc)).toEqual([...org.accounts].sort());
    const m0 = doc.findings.find((f) => f.ruleId === 'NHI-LP-008' && f.account === org.members[0])!;
    expect(m0.message).toContain('s3 m0-phi-lab-results');
    // Same-named secrets of two regions are two findings (one per region) in each member account.
    const rot = doc.findings.filter((f) => f.ruleId === 'NHI-ROT-001' && f.resource.name === 'm1/hl7-token');
    expect(rot.map((f) => f.resource.arn!.split(':')[3]).sort()).toEqual([SECOND_REGION, REGION].sort());
    expect(JSON.stringify(doc)).not.toContain('CANARY');
  });

  it('carries the PHI access map and the PHI stores of every account, each with its account and region', () => {
    const stores = accessStores(doc.access);
    for (const [i, account] of org.accounts.entries()) {
      const prefix = i === 0 ? 'mgmt-' : `m${i - 1}-`;
      const mine = stores.filter((s) => s.account === account);
      const bucket = mine.find((s) => s.label === `s3 ${prefix}phi-lab-results`);
      expect(
        bucket?.reaches.map((r) => `${r.principal.label} ${r.levels.join('+')}`),
        account,
      ).toContain('role reporting read');
      const phi = doc.phiStores!.filter((s) => s.account === account).map((s) => `${s.region ?? '-'} ${s.kind} ${s.name}`);
      expect(phi, account).toEqual(
        expect.arrayContaining([
          `${REGION} s3 ${prefix}phi-lab-results`,
          `${REGION} dynamodb ${prefix}patients`,
          `${REGION} kms ${prefix}phi-key`,
          ...(i === 0 ? [] : [`${SECOND_REGION} dynamodb ${prefix}patients-eu`]),
        ]),
      );
    }
    expect(new Set(doc.phiStores!.map((s) => s.account))).toEqual(new Set(org.accounts));
  });

  it('assumes the named role in each member account (not in the management account) and lists the organization once', () => {
    // One AssumeRole per member, GetCallerIdentity once for the organization and once per account.
    expect(proxy.calls('ListAccounts')).toBe(1);
    expect(proxy.calls('AssumeRole')).toBe(3);
  });

  it('--accounts selects a subset; an id outside the organization is a usage error', async () => {
    const r = await runCli(
      ['check', ...orgArgs(moto.url), '--accounts', `${org.members[0]},${org.members[2]}`, '--format', 'json', '--fail-on', 'none'],
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(lp008Accounts(JSON.parse(r.stdout))).toEqual([org.members[0], org.members[2]].sort());
    const bad = await runCli(['check', ...orgArgs(moto.url), '--accounts', '999999999999'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('nhi-guard: --accounts 999999999999: not an active account of the organization\n');
  });

  it('snapshot --org writes one snapshot per account; check over them gives the same findings', async () => {
    const dir = path.join(tmp, 'snaps');
    const s = await runCli(['snapshot', ...orgArgs(moto.url), '--output', dir], env());
    expect(s.code, s.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(org.accounts.map((a) => `${a}.json`).sort());
    for (const f of readdirSync(dir)) expect(check('inventory', JSON.parse(readFileSync(path.join(dir, f), 'utf8')))).toBeNull();
    const c = await runCli(['check', ...readdirSync(dir).flatMap((f) => ['--snapshot', path.join(dir, f)]), '--format', 'json', '--fail-on', 'none']);
    expect(c.code, c.stderr).toBe(0);
    const key = (f: FindingsDocument['findings'][number]) => `${f.account} ${f.ruleId} ${f.resource.arn ?? f.resource.name} ${f.message}`;
    expect((JSON.parse(c.stdout) as FindingsDocument).findings.map(key).sort()).toEqual(doc.findings.map(key).sort());
  });

  it("AccessDenied on one account's AssumeRole and on one region: exit 3 with exactly those gaps, the others reported", async () => {
    const denied = org.members[1]!;
    proxy.setFault('AssumeRole', { kind: 'access-denied', bodyIncludes: denied });
    // The management account's (credentials "testing") Secrets Manager in the second region.
    proxy.setFault('ListSecrets', { kind: 'access-denied', region: SECOND_REGION, accessKey: 'testing' });
    try {
      const out = path.join(tmp, 'partial.json');
      const r = await runCli(['check', ...orgArgs(proxy.url), '--format', 'json', '--output', out, '--fail-on', 'none'], env());
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^nhi-guard: incomplete: 2 part\(s\) of the account could not be read/);
      const partial = JSON.parse(readFileSync(out, 'utf8')) as FindingsDocument;
      expect(check('findings', partial)).toBeNull();
      const gaps = partial.gaps!.map((g) => `${g.account} ${g.service} ${g.operation} ${g.region ?? '-'}`).sort();
      expect(gaps).toEqual([`${MANAGEMENT} secretsmanager ListSecrets ${SECOND_REGION}`, `${denied} sts AssumeRole -`].sort());
      expect(partial.gaps!.find((g) => g.operation === 'AssumeRole')).toMatchObject({
        target: `arn:aws:iam::${denied}:role/${ROLE_NAME}`,
        error: expect.stringContaining('AccessDenied'),
      });
      expect(lp008Accounts(partial)).toEqual(org.accounts.filter((a) => a !== denied).sort());
    } finally {
      proxy.clearFaults();
    }
  });

  it('the nightly HTML report, rendered in headless Chromium, shows every account with its regions and its PHI stores under NHI-LP-008', async () => {
    const page = path.join(tmp, 'nightly.html');
    const r = await runCli(['check', ...orgArgs(moto.url), '--format', 'html', '--output', page, '--fail-on', 'none'], env());
    expect(r.code, r.stderr).toBe(0);
    const dom = chromium(['--dump-dom'], page);
    expect(dom).toContain('Findings by account (4 accounts), then owner');
    for (const [i, account] of org.accounts.entries()) {
      const start = dom.indexOf(`data-account="${account}"`);
      expect(start, account).toBeGreaterThan(0);
      const next = org.accounts[i + 1]
        ? dom.indexOf(`data-account="${org.accounts[i + 1]}"`)
        : dom.indexOf('id="expiring"') > 0
          ? dom.indexOf('id="expiring"')
          : dom.length;
      const section = dom.slice(start, next > start ? next : dom.length);
      expect(section, account).toContain(`Regions read: ${SECOND_REGION}, ${REGION}`);
      expect(section, account).toContain('NHI-LP-008');
      const prefix = account === MANAGEMENT ? 'mgmt-' : `m${org.members.indexOf(account)}-`;
      expect(section, account).toContain(`dynamodb ${prefix}patients, s3 ${prefix}phi-lab-results`);
    }
    // Done when: every PHI store of every account, with its region and data class, and the
    // NHI-LP-008 findings of live state that name it (a PHI table nobody is granted has none).
    const table = dom.slice(dom.indexOf('<h2 id="phi-stores">'), dom.indexOf('<h2 id="phi-access">'));
    expect(table).toContain(`PHI stores (${4 * 3 + 3})`);
    const rows = [...table.matchAll(/<tr class="phi-store"[^>]*data-account="(\d+)" data-lp008="(\d+)">(.*?)<\/tr>/g)].map((m) => ({
      account: m[1]!,
      lp008: Number(m[2]),
      cells: [...m[3]!.matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1]!.replace(/<span.*$/, '')),
    }));
    const shown = rows.map((r) => `${r.cells[0]} ${r.cells[1]} ${r.cells[2]} ${r.cells[3]} LP-008:${r.lp008}`);
    for (const [i, account] of org.accounts.entries()) {
      const prefix = i === 0 ? 'mgmt-' : `m${i - 1}-`;
      expect(shown).toContain(`${account} ${REGION} s3 ${prefix}phi-lab-results phi LP-008:1`);
      expect(shown).toContain(`${account} ${REGION} dynamodb ${prefix}patients phi LP-008:1`);
      expect(shown).toContain(`${account} ${REGION} kms ${prefix}phi-key phi LP-008:0`);
      if (i > 0) expect(shown).toContain(`${account} ${SECOND_REGION} dynamodb ${prefix}patients-eu phi LP-008:0`);
    }
    expect(rows).toHaveLength(4 * 3 + 3);
    const m0 = rows.find((r) => r.account === org.members[0] && r.cells[2] === `dynamodb m0-patients`)!;
    expect(m0.cells[5]).toBe('1 open');
    expect(table).toContain(
      'reporting: policy read-phi lets role reporting (data-class internal) act on data-class phi stores: dynamodb m0-patients, s3 m0-phi-lab-results',
    );
    expect(dom).not.toContain('CANARY');
  }, 180_000);
});

describe('drift --org: a declaration covering one account', () => {
  const key = (f: FindingsDocument['findings'][number]) => `${f.ruleId} ${f.resource.arn ?? f.resource.name} ${f.message}`;
  let doc: FindingsDocument;

  beforeAll(async () => {
    const r = await runCli(['drift', '--declared-state', ESTATE_TFSTATE, ...orgArgs(proxy.url), '--format', 'json', '--fail-on', 'none'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    doc = JSON.parse(r.stdout);
  }, 180_000);

  it('compares the declared account with its declaration as a one-account drift does, the account on every finding', async () => {
    expect(check('findings', doc)).toBeNull();
    expect(doc.gaps).toBeUndefined();
    for (const f of doc.findings) expect(org.accounts, f.message).toContain(f.account);
    expect(doc.driftAccounts).toEqual({ declared: [MANAGEMENT], undeclared: [...org.members].sort() });
    const one = await runCli(
      [
        'drift',
        '--declared-state',
        ESTATE_TFSTATE,
        '--live',
        'aws',
        '--region',
        REGION,
        '--region',
        SECOND_REGION,
        '--endpoint',
        moto.url,
        '--format',
        'json',
        '--fail-on',
        'none',
      ],
      env(),
    );
    expect(one.code, one.stderr).toBe(0);
    const single = (JSON.parse(one.stdout) as FindingsDocument).findings.map(key).sort();
    expect(single.some((k) => k.startsWith('NHI-DRIFT-'))).toBe(true);
    expect(
      doc.findings
        .filter((f) => f.account === MANAGEMENT)
        .map(key)
        .sort(),
    ).toEqual(single);
  });

  it('the accounts no declaration covers: every identity and secret there is unmanaged (NHI-DRIFT-001), the live rules still run', () => {
    for (const [i, account] of org.members.entries()) {
      const mine = doc.findings.filter((f) => f.account === account);
      const shadow = mine.filter((f) => f.ruleId === 'NHI-DRIFT-001').map((f) => f.resource.name);
      expect(shadow, account).toEqual(expect.arrayContaining(['reporting', `m${i}/hl7-token`]));
      // Both regions' secrets of the same name are unmanaged, each in its region.
      expect(
        shadow.filter((n) => n === `m${i}/hl7-token`),
        account,
      ).toHaveLength(2);
      expect(mine.find((f) => f.ruleId === 'NHI-LP-008')?.message, account).toContain(`s3 m${i}-phi-lab-results`);
    }
    // The declared account has no unmanaged identity that its declaration covers.
    const mgmtShadow = doc.findings.filter((f) => f.account === MANAGEMENT && f.ruleId === 'NHI-DRIFT-001').map((f) => f.resource.name);
    expect(mgmtShadow).not.toContain('svc-lab');
    expect(JSON.stringify(doc)).not.toContain('CANARY');
  });

  it('every report says which accounts the declaration does not cover; --accounts leaves them out', async () => {
    const page = path.join(tmp, 'drift-org.html');
    const text = await runCli(
      ['drift', '--declared-state', ESTATE_TFSTATE, ...orgArgs(moto.url), '--format', 'text', '--format', `html=${page}`, '--fail-on', 'none'],
      env(),
    );
    expect(text.code, text.stderr).toBe(0);
    const dom = chromium(['--dump-dom'], page);
    expect(dom).toContain('Findings by account (4 accounts), then owner');
    expect(dom).toContain('id="drift-accounts-note"');
    const headings = new Map([...dom.matchAll(/<h3 class="account"[^>]*data-account="(\d{12})">([^<]*)<\/h3>/g)].map((m) => [m[1]!, m[2]!]));
    expect(headings.get(MANAGEMENT)).toMatch(/^Account \d{12}: \d+ open \(declared\)$/);
    for (const m of org.members) expect(headings.get(m), m).toMatch(/^Account \d{12}: \d+ open \(not covered by the declaration\)$/);
    expect(text.stdout).toContain(
      `Declaration: covers 1 account(s) (${MANAGEMENT}); 3 account(s) read are not covered by it (${[...org.members].sort().join(', ')}), so every identity and secret there is reported as unmanaged (NHI-DRIFT-001)`,
    );
    const only = await runCli(
      ['drift', '--declared-state', ESTATE_TFSTATE, ...orgArgs(moto.url), '--accounts', MANAGEMENT, '--format', 'json', '--fail-on', 'none'],
      env(),
    );
    expect(only.code, only.stderr).toBe(0);
    const d = JSON.parse(only.stdout) as FindingsDocument;
    expect(d.driftAccounts).toEqual({ declared: [MANAGEMENT], undeclared: [] });
    expect(new Set(d.findings.map((f) => f.account))).toEqual(new Set([MANAGEMENT]));
    expect(d.findings.map(key).sort()).toEqual(
      doc.findings
        .filter((f) => f.account === MANAGEMENT)
        .map(key)
        .sort(),
    );
  }, 180_000);

  it("AccessDenied on the declared account's Secrets Manager in one region: its declared secrets there are not missing (exit 3), the rest is compared", async () => {
    const secretMissing = (d: FindingsDocument) =>
      d.findings.filter((f) => f.account === MANAGEMENT && f.ruleId === 'NHI-DRIFT-002' && f.resource.type === 'aws_secretsmanager_secret');
    // Without the fault the declared secret of us-east-1 is missing in the seeded account.
    expect(secretMissing(doc).map((f) => f.resource.address)).toEqual(['aws_secretsmanager_secret.lab_api']);
    proxy.setFault('ListSecrets', { kind: 'access-denied', region: REGION, accessKey: 'testing' });
    try {
      const out = path.join(tmp, 'drift-secrets-gap.json');
      const r = await runCli(
        ['drift', '--declared-state', ESTATE_TFSTATE, ...orgArgs(proxy.url), '--format', 'json', '--output', out, '--fail-on', 'none'],
        env(),
      );
      expect(r.code).toBe(3);
      const partial = JSON.parse(readFileSync(out, 'utf8')) as FindingsDocument;
      expect(check('findings', partial)).toBeNull();
      expect(partial.gaps!.map((g) => `${g.account} ${g.service} ${g.operation} ${g.region ?? '-'}`)).toEqual([
        `${MANAGEMENT} secretsmanager ListSecrets ${REGION}`,
      ]);
      expect(secretMissing(partial)).toEqual([]);
      expect(partial.notCompared).toEqual([
        { element: 'aws_secretsmanager_secret.lab_api', gap: `secretsmanager ListSecrets (${REGION})`, account: MANAGEMENT },
      ]);
      // The declared identities are still compared: the same NHI-DRIFT-002 findings on them.
      const identitiesMissing = (d: FindingsDocument) =>
        d.findings
          .filter((f) => f.account === MANAGEMENT && f.ruleId === 'NHI-DRIFT-002' && f.resource.type !== 'aws_secretsmanager_secret')
          .map(key)
          .sort();
      expect(identitiesMissing(partial)).toEqual(identitiesMissing(doc));
    } finally {
      proxy.clearFaults();
    }
  }, 180_000);

  it('a member that cannot be assumed is a gap of that account (exit 3), never unmanaged or missing; the others are reported', async () => {
    const denied = org.members[0]!;
    proxy.setFault('AssumeRole', { kind: 'access-denied', bodyIncludes: denied });
    try {
      const out = path.join(tmp, 'drift-partial.json');
      const r = await runCli(
        ['drift', '--declared-state', ESTATE_TFSTATE, ...orgArgs(proxy.url), '--format', 'json', '--output', out, '--fail-on', 'none'],
        env(),
      );
      expect(r.code).toBe(3);
      const partial = JSON.parse(readFileSync(out, 'utf8')) as FindingsDocument;
      expect(check('findings', partial)).toBeNull();
      expect(partial.gaps!.map((g) => `${g.account} ${g.service} ${g.operation}`)).toEqual([`${denied} sts AssumeRole`]);
      expect(partial.findings.filter((f) => f.account === denied)).toEqual([]);
      expect(
        partial.findings
          .filter((f) => f.account === MANAGEMENT)
          .map(key)
          .sort(),
      ).toEqual(
        doc.findings
          .filter((f) => f.account === MANAGEMENT)
          .map(key)
          .sort(),
      );
      for (const other of org.members.slice(1))
        expect(
          partial.findings.some((f) => f.account === other && f.ruleId === 'NHI-DRIFT-001'),
          other,
        ).toBe(true);
    } finally {
      proxy.clearFaults();
    }
  }, 180_000);

  it('a cdktf output whose stacks pin different accounts: each stack is the declaration of its own account', async () => {
    // The bundled app, two of its stacks kept, each pinned to a member account.
    const dir = path.join(tmp, 'two-accounts.out');
    cpSync(synthExamples(), dir, { recursive: true });
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
    const pinned: Record<string, string> = { 'legacy-hl7': org.members[0]!, 'lab-results-exchange': org.members[1]! };
    const roles: Record<string, string[]> = {};
    for (const name of Object.keys(manifest.stacks)) {
      if (!(name in pinned)) {
        delete manifest.stacks[name];
        continue;
      }
      const file = path.join(dir, manifest.stacks[name]!.synthesizedStackPath);
      const stack = JSON.parse(readFileSync(file, 'utf8')) as {
        provider: { aws: Array<{ allowed_account_ids: string[] }> };
        resource: { aws_iam_role: Record<string, { name: string }> };
      };
      stack.provider.aws[0]!.allowed_account_ids = [pinned[name]!];
      roles[name] = Object.values(stack.resource.aws_iam_role).map((r) => r.name);
      writeFileSync(file, JSON.stringify(stack));
    }
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const r = await runCli(['drift', '--declared-synth', dir, ...orgArgs(moto.url), '--format', 'json', '--fail-on', 'none'], env());
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as FindingsDocument;
    expect(check('findings', d)).toBeNull();
    expect(d.driftAccounts).toEqual({ declared: [org.members[0], org.members[1]].sort(), undeclared: [MANAGEMENT, org.members[2]!].sort() });
    // Each stack's roles are declared in its account only, where they do not exist live (NHI-DRIFT-002).
    for (const [name, account] of Object.entries(pinned)) {
      expect(roles[name]!.length, name).toBeGreaterThan(0);
      const missing = d.findings.filter((f) => f.ruleId === 'NHI-DRIFT-002');
      for (const role of roles[name]!) {
        const about = missing.filter((f) => f.resource.name === role);
        expect(about.length, `${name} ${role}`).toBeGreaterThan(0);
        expect(new Set(about.map((f) => f.account)), `${name} ${role}`).toEqual(new Set([account]));
      }
    }
    // A stack that pins no account cannot be placed: exit 2 naming its file.
    const legacy = path.join(dir, manifest.stacks['legacy-hl7']!.synthesizedStackPath);
    const stack = JSON.parse(readFileSync(legacy, 'utf8')) as { provider: { aws: Array<Record<string, unknown>> } };
    delete stack.provider.aws[0]!.allowed_account_ids;
    writeFileSync(legacy, JSON.stringify(stack));
    const unpinned = await runCli(['drift', '--declared-synth', dir, ...orgArgs(moto.url)], env());
    expect(unpinned.code).toBe(2);
    expect(unpinned.stderr).toBe(
      `nhi-guard: ${legacy}: drift --org needs the account each declaration is for, and this one names none: pin the AWS provider (allowed_account_ids), or give --own-account ID\n`,
    );
  }, 180_000);

  it('a declaration for an account the organization does not have is a gap of it; one that names no account is a usage error', async () => {
    const r = await runCli(
      ['drift', '--declared-state', ESTATE_TFSTATE, '--own-account', '999999999999', ...orgArgs(moto.url), '--format', 'json', '--fail-on', 'none'],
      env(),
    );
    expect(r.code).toBe(3);
    const d = JSON.parse(r.stdout) as FindingsDocument;
    expect(d.gaps!.map((g) => `${g.account} ${g.service} ${g.operation}`)).toEqual(['999999999999 organizations ListAccounts']);
    expect(d.driftAccounts).toEqual({ declared: [], undeclared: [...org.accounts].sort() });
    const none = await runCli(['drift', '--declared-plan', ESTATE_PLAN, ...orgArgs(moto.url)], env());
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `nhi-guard: ${ESTATE_PLAN}: drift --org needs the account each declaration is for, and this one names none: pin the AWS provider (allowed_account_ids), or give --own-account ID\n`,
    );
  }, 180_000);
});
