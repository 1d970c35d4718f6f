/**
 * `report merge` of an organization's nightly run spread over one job per account
 * (docs/nightly.md): 100 per-account findings documents, each with its own history trend.
 * Findings of the same rule on the same-named role stay one per account, per-account gaps stay
 * with their account (exit 3), and the trends add up per night.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDocument, TrendPoint } from '../../checks/findings.js';
import { accessStores, compactAccess } from '../../checks/access/summary.js';
import { mergeTrends } from '../../checks/merge.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { finding, makeDoc } from './fixture.js';

const N = 100;
const account = (i: number) => String(100000000000 + i);
const point = (generatedAt: string, high: number, incomplete = false): TrendPoint => ({
  generatedAt,
  bySeverity: { critical: 0, high, medium: 0, low: 0, info: 0 },
  total: high,
  ...(incomplete ? { incomplete: true } : {}),
});

/** Account i: NHI-LP-004 on its legacy-admin role, three nights of trend (the last account missed the first night), a gap in account 7. */
function accountDoc(i: number): FindingsDocument {
  const acct = account(i);
  const f = finding('NHI-LP-001', {
    message: 'Policy admin of role legacy-admin allows Action "*" on Resource "*"',
    identity: 'legacy-admin',
    source: 'drift',
    resource: { type: 'iam-role', name: 'legacy-admin', arn: `arn:aws:iam::${acct}:role/legacy-admin` },
  });
  const d = makeDoc({
    findings: [{ ...f, account: acct }],
    inputs: [{ kind: 'live', file: `aws:${acct}/us-east-1` }],
    generatedAt: `2026-11-23T02:${String(i % 60).padStart(2, '0')}:00.000Z`,
  });
  d.trend = [
    ...(i === N - 1 ? [] : [point(`2026-11-21T02:${String(i % 60).padStart(2, '0')}:00.000Z`, 2)]),
    point(`2026-11-22T02:${String(i % 60).padStart(2, '0')}:00.000Z`, 1, i === 7),
    point(d.generatedAt, 1),
  ];
  // Each account's PHI bucket of the same name, read by its reporting role (phiStores has no account: the merge takes the input's).
  d.access = compactAccess(
    [
      {
        id: `arn:aws:s3:::labs-${i}`,
        kind: 's3',
        name: 'labs',
        label: 's3 labs',
        dataClass: 'phi',
        reaches: [
          {
            principal: { id: 'role/reporting', kind: 'role', label: 'role reporting', owner: 'data-team' },
            level: 'read',
            levels: ['read'],
            via: 'identity-policy',
            chain: [],
            route: 'x',
            steps: [],
          },
        ],
      },
    ],
    acct,
  );
  d.phiStores = [{ id: `arn:aws:s3:::labs-${i}`, kind: 's3', name: 'labs', arn: `arn:aws:s3:::labs-${i}`, dataClass: 'phi' }];
  if (i === 7)
    d.gaps = [
      { service: 'sts', operation: 'AssumeRole', account: acct, target: `arn:aws:iam::${acct}:role/nhi-guard-scanner`, error: 'AccessDenied: not authorized' },
    ];
  return d;
}

describe('report merge of per-account documents', () => {
  it('100 accounts: one finding per account, per-account gaps, the trend summed per night (exit 3)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nhi-merge-accounts-'));
    const files: string[] = [];
    for (let i = 0; i < N; i++) {
      const d = accountDoc(i);
      expect(check('findings', d)).toBeNull();
      const file = path.join(dir, `${account(i)}.json`);
      writeFileSync(file, JSON.stringify(d));
      files.push(file);
    }
    const r = await runCli(['report', 'merge', ...files, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^nhi-guard: incomplete: 1 part\(s\) of the account could not be read \(first: sts AssumeRole arn:aws:iam::100000000007:role\/nhi-guard-scanner/,
    );
    const m = JSON.parse(r.stdout) as FindingsDocument;
    expect(check('findings', m)).toBeNull();
    expect(m.findings).toHaveLength(N);
    expect(new Set(m.findings.map((f) => f.account)).size).toBe(N);
    expect(m.summary.bySeverity.critical + m.summary.bySeverity.high).toBe(N);
    expect(m.inputs).toHaveLength(N);
    expect(m.gaps).toEqual([expect.objectContaining({ account: account(7), operation: 'AssumeRole' })]);
    expect(m.trend!.map((p) => [p.generatedAt.slice(0, 10), p.total, p.incomplete ?? false])).toEqual([
      // One account had no run that night: a lower bound.
      ['2026-11-21', 2 * (N - 1), true],
      // Account 7's run of that night was incomplete.
      ['2026-11-22', N, true],
      ['2026-11-23', N, false],
    ]);
    expect(m.generatedAt).toBe('2026-11-23T02:59:00.000Z');
    // The PHI access map and the PHI stores of every account, each with its account; the one principal written once.
    const stores = accessStores(m.access);
    expect(stores).toHaveLength(N);
    expect(new Set(stores.map((s) => s.account))).toEqual(new Set(Array.from({ length: N }, (_, i) => account(i))));
    expect(stores.every((s) => s.reaches.length === 1 && s.reaches[0]!.principal.label === 'role reporting')).toBe(true);
    expect(m.access && !Array.isArray(m.access) && m.access.principals).toHaveLength(1);
    expect(m.phiStores!.map((s) => s.account)).toEqual(Array.from({ length: N }, (_, i) => account(i)));

    // The HTML and Markdown reports of the merged document render (grouped by account).
    const html = await runCli(['report', 'merge', ...files, '--format', 'html']);
    expect(html.code).toBe(3);
    expect(html.stdout).toContain(`Findings by account (${N} accounts), then owner`);
    expect(html.stdout).toContain(`data-account="${account(42)}"`);
    expect(html.stdout).toContain(`<h2 id="phi-stores">PHI stores (${N})</h2>`);
    expect(html.stdout).toContain(`<h3>s3 labs (account ${account(42)}, data-class phi): 1 principal</h3>`);
    const md = await runCli(['report', 'merge', ...files, '--format', 'markdown']);
    expect(md.code).toBe(3);
    expect(md.stdout).toContain('### Identities with findings, by account and owner');
    expect(md.stdout).toContain(`| ${account(42)} | legacy-admin |`);
  }, 60_000);

  it('mergeTrends: a later run of the same night replaces an earlier one of that document; no trend stays none', () => {
    const t = mergeTrends([[point('2026-11-22T01:00:00.000Z', 5), point('2026-11-22T03:00:00.000Z', 1)], [point('2026-11-22T02:00:00.000Z', 2)]]);
    expect(t).toEqual([point('2026-11-22T03:00:00.000Z', 3)]);
    expect(mergeTrends([[], []])).toBeUndefined();
  });
});
