/**
 * The HTML nightly report: a pure function of the findings document, self-contained (nothing
 * fetched), every text escaped; and rendered for real in headless Chromium (screenshot and DOM).
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDocument, TrendPoint } from '../../checks/findings.js';
import type { InventoryRow } from '../../checks/inventoryRows.js';
import { renderHtml } from '../../reports/html.js';
import { runCli } from '../support/cli.js';
import { chromium } from '../support/chromium.js';
import { debtRepo } from '../support/debtRepo.js';
import { ESTATE_TFSTATE } from '../support/estate.js';
import { finding, makeDoc, ROOT } from './fixture.js';

const point = (generatedAt: string, critical: number, high: number): TrendPoint => ({
  generatedAt,
  bySeverity: { critical, high, medium: 0, low: 0, info: 0 },
  total: critical + high,
});

const row = (over: Partial<InventoryRow> & { id: string; name: string }): InventoryRow => ({
  element: 'identity',
  type: 'iam-role',
  kind: 'role',
  source: 'live',
  change: 'existing',
  findings: 0,
  ...over,
});

describe('renderHtml', () => {
  const evil = '<script>alert("x")</script><img src=x onerror=alert(1)> & \'q\'';
  const doc: FindingsDocument = {
    ...makeDoc({
      findings: [
        finding('NHI-LP-001', { message: `policy ${evil}`, owner: `team-${evil}`, resource: { type: 'iam-role', name: evil, arn: 'arn:aws:iam::1:role/x' } }),
        finding('NHI-OWN-001', { message: 'no owner' }),
      ],
    }),
    inventory: [
      row({ id: 'iam-role:a', name: evil, owner: 'team-a', expiresOn: '2026-12-01', daysLeft: 9, lastUsed: null, findings: 1 }),
      row({
        id: 'secret:s',
        element: 'credential',
        type: 'secretsmanager-secret',
        kind: 'secret',
        name: 'db',
        lastRotated: '2026-11-01T00:00:00Z',
        rotationDays: 30,
      }),
    ],
    trend: [point('2026-11-20T00:00:00.000Z', 1, 2), point('2026-11-21T00:00:00.000Z', 0, 1), point('2026-11-22T00:00:00.000Z', 1, 0)],
  };

  it('escapes every text and attribute from the document', () => {
    const html = renderHtml(doc);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('is self-contained: no external URL, script, font or stylesheet, and a CSP that forbids fetching', () => {
    const html = renderHtml(doc);
    expect(html).not.toMatch(/\s(src|href|xlink:href)="/i);
    expect(html).not.toMatch(/@import|url\(|<link|<script/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    // The only URL is the SVG namespace name, which is never fetched.
    expect(html.match(/https?:\/\/[^"'\s<]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('draws one trend point per run, lists the inventory and groups findings by owner', () => {
    const html = renderHtml(doc);
    expect(html.match(/class="trend-point"/g)).toHaveLength(3);
    expect(html.match(/class="inventory-row"/g)).toHaveLength(2);
    expect(html).toContain('Trend (3 runs)');
    expect(html).toContain('(no owner): 1 open');
    expect(html).toContain('never');
    expect(html).toContain('2026-11-01, every 30 days');
    // Without --history there is no trend, and no empty section for it.
    const noHistory = renderHtml({ ...doc, trend: undefined });
    expect(noHistory).not.toContain('id="trend"');
    expect(noHistory).not.toContain('Trend (');
    const partial = renderHtml({ ...doc, trend: [point('2026-11-20T00:00:00.000Z', 1, 0), { ...point('2026-11-21T00:00:00.000Z', 0, 0), incomplete: true }] });
    expect(partial.match(/class="trend-point incomplete"/g)).toHaveLength(1);
    expect(partial).toContain('0 open (none), incomplete scan: at least this many');
  });

  it("groups an owner's rows by identity, and gives each finding its remediation and OWASP NHI / NIST CSF / HIPAA references", () => {
    const on = (identity: string, ruleId: string) =>
      finding(ruleId, { message: `${ruleId} on ${identity}`, identity, owner: 'team-lab', resource: { type: 'aws_iam_role', name: identity } });
    const html = renderHtml(makeDoc({ findings: [on('lab-a', 'NHI-LP-001'), on('lab-b', 'NHI-OWN-001'), on('lab-a', 'NHI-OWN-001')] }));
    const groups = [...html.matchAll(/<tr class="identity-group" data-identity="([^"]+)"><td colspan="5">([^<]+)<\/td>/g)].map((m) => m[2]);
    expect(groups).toEqual(['lab-a: 2 finding(s)', 'lab-b: 1 finding(s)']);
    // The rows of lab-a follow its group row, before lab-b's.
    expect(html.indexOf('NHI-OWN-001 on lab-a')).toBeLessThan(html.indexOf('data-identity="lab-b"'));
    const lp = finding('NHI-LP-001', { message: 'x' });
    expect(html).toContain(`<details class="fix"><summary>How to fix</summary>${lp.remediation.replace(/"/g, '&quot;')}</details>`);
    expect(html).toContain(
      `OWASP NHI ${lp.references.owasp.join(', ')} · NIST CSF ${lp.references.nistCsf.join(', ')} · HIPAA ${lp.references.hipaa.map((x) => `§${x}`).join(', ')}`,
    );
  });

  it('says what is new and what was resolved since the previous run, and marks the new rows', () => {
    const fresh = finding('NHI-LP-002', { message: 'trust widened', identity: 'lab', owner: 'team-lab', fingerprint: 'f-new' });
    const old = finding('NHI-OWN-001', { message: 'still there', identity: 'lab', owner: 'team-lab', fingerprint: 'f-old' });
    const gone = finding('NHI-EXP-002', { message: 'admin detached since', identity: 'etl', owner: 'team-data', fingerprint: 'f-gone' });
    const html = renderHtml({
      ...makeDoc({ findings: [fresh, old] }),
      sincePrevious: { file: '/h/prev.json', generatedAt: '2026-11-21T03:17:00.000Z', new: ['f-new'], resolved: [gone] },
    });
    expect(html).toContain('Since the previous run (2026-11-21T03:17:00.000Z)');
    expect(html).toContain('1 new finding(s), 1 resolved.');
    expect(html).toMatch(/<ul class="new-findings"><li>.*NHI-LP-002 lab \(team-lab\): trust widened<\/li><\/ul>/);
    expect(html).toMatch(/<ul class="resolved-findings"><li>.*NHI-EXP-002 etl \(team-data\): admin detached since<\/li><\/ul>/);
    expect(html.match(/class="finding new-finding"/g)).toHaveLength(1);
    // The first run of a history has nothing to compare with: no such section.
    expect(renderHtml(makeDoc({ findings: [fresh] }))).not.toContain('Since the previous run');
  });

  it('states the expiring-soon window, names the user of each key, and shows input paths relative to the source root', () => {
    const html = renderHtml(
      {
        ...makeDoc({ findings: [] }),
        expiringSoonDays: 14,
        inventory: [
          row({ id: 'iam-user:ci', kind: 'user', name: 'ci-deploy' }),
          row({
            id: 'access-key:AKIA1',
            element: 'credential',
            type: 'iam-access-key',
            kind: 'access-key',
            name: 'AKIA1',
            identity: 'iam-user:ci',
            status: 'Active',
          }),
        ],
      },
      { sourceRoot: ROOT },
    );
    expect(html).toContain('Expired or expiring soon (within 14 days)');
    expect(html).toContain('Nothing has expired or expires within 14 days.');
    expect(html).toContain('AKIA1 (access-key of user ci-deploy)');
    expect(html).toContain('plan plan.json');
    expect(html).toContain('live snapshots/prod.json');
    expect(html).not.toContain(`${ROOT}/`);
  });

  it('without --baseline or a rule selection, no baseline marks and no selection section', () => {
    const html = renderHtml(makeDoc({ findings: [finding('NHI-LP-001', { message: 'x' })] }));
    for (const absent of ['id="baseline"', 'data-baseline=', 'id="selection"', 'id="selection-note"', 'Against the baseline'])
      expect(html).not.toContain(absent);
    // A selection that changes nothing is not shown either.
    expect(renderHtml({ ...makeDoc({ findings: [] }), selection: { rule: [], skipRule: [], skipped: [], severityOverrides: [] } })).not.toContain(
      'id="selection"',
    );
  });

  it('says clean only when nothing is open and nothing was left unread', () => {
    const clean = makeDoc({ findings: [] });
    expect(renderHtml(clean)).toContain('Clean: no open findings');
    const incomplete = renderHtml({
      ...clean,
      gaps: [{ service: 'secretsmanager', operation: 'ListSecrets', region: 'us-east-1', error: 'ThrottlingException: rate exceeded' }],
    });
    expect(incomplete).not.toContain('Clean');
    expect(incomplete).toContain('Incomplete: 1 part(s) of the account could not be read');
    expect(incomplete).toContain('secretsmanager ListSecrets (us-east-1): ThrottlingException: rate exceeded');
  });
});

describe('the nightly HTML report in headless Chromium', () => {
  it('renders the inventory table and one trend point per history document', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-html-'));
    const history = path.join(dir, 'history');
    const args = [
      'drift',
      '--declared-state',
      ESTATE_TFSTATE,
      '--snapshot',
      path.resolve('test/fixtures/snapshots/handmade-estate-drift.json'),
      '--now',
      '2026-11-22T00:00:00Z',
      '--history',
      history,
      '--fail-on',
      'none',
    ];
    for (let i = 0; i < 2; i++) expect((await runCli([...args, '--format', 'json'])).code).toBe(0);
    const page = path.join(dir, 'report.html');
    expect((await runCli([...args, '--format', 'html', '--output', page])).code).toBe(0);
    const json = JSON.parse((await runCli([...args, '--format', 'json'])).stdout) as FindingsDocument;

    const shot = path.join(dir, 'report.png');
    chromium([`--screenshot=${shot}`, '--window-size=1280,2000'], page);
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(statSync(shot).size).toBeGreaterThan(50_000);

    const dom = chromium(['--dump-dom'], page);
    // Three runs were in the history when the HTML run read it: two before, the HTML run itself.
    expect(dom.match(/<circle class="trend-point"/g)).toHaveLength(3);
    expect(dom).toMatch(/<svg id="trend-chart"/);
    const rows = dom.match(/<tr class="inventory-row" data-id="[^"]+"/g) ?? [];
    expect(rows).toHaveLength(json.inventory!.length);
    expect(rows.join('\n')).toContain('data-id="iam-user:shadow-ci"');
    // svc-lab's findings stay with its declared owner team-lab, though it was re-tagged live.
    const lab = json.findings.filter((f) => f.owner === 'team-lab' && !f.waived);
    expect(lab.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['NHI-DRIFT-003', 'NHI-DRIFT-004']));
    expect(json.findings.some((f) => f.owner === 'team-lab-ops')).toBe(false);
    expect(dom).toContain(`team-lab: ${lab.length} open`);
    expect(dom).toContain('Expired or expiring soon (within 14 days)');
    // Compared with the previous run of the history (the same account): nothing new, nothing resolved.
    expect(dom).toContain('0 new finding(s), 0 resolved.');
    expect(dom.match(/<tr class="identity-group"/g)!.length).toBeGreaterThan(3);
    expect(dom).toContain('<summary>How to fix</summary>');
    // The state file is shown relative to the folder the report was made in.
    expect(dom).toContain(`state ${path.relative(process.cwd(), ESTATE_TFSTATE)}`);
    expect(dom).toMatch(/legacy-batch \(role, owner team-legacy\): 2026-01-31 \(295 days ago\)/);
  });

  it('with --baseline and a rule selection: new, existing and resolved findings, the skipped rules with their findings, the changed severities', async () => {
    const repo = debtRepo();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-html-baseline-'));
    const baseline = path.join(dir, 'baseline.json');
    expect((await runCli(['baseline', '--synth', repo.base, '--now', '2026-11-22', '--output', baseline])).code).toBe(0);
    const page = path.join(dir, 'report.html');
    const json = path.join(dir, 'report.json');
    const r = await runCli([
      'check',
      '--synth',
      repo.change,
      '--now',
      '2026-11-22',
      '--baseline',
      baseline,
      '--skip-rule',
      'NHI-EXP-002',
      '--severity-override',
      'NHI-LP-001=medium',
      '--fail-on',
      'none',
      '--format',
      `html=${page}`,
      '--format',
      `json=${json}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as FindingsDocument;
    const base = doc.baseline!;
    expect(base.new).toBe(1);
    expect(base.existing).toBeGreaterThan(0);
    expect(base.resolved).toHaveLength(1);

    const dom = chromium(['--dump-dom'], page);
    expect(dom).toContain(`Against the baseline: 1 new, ${base.existing} existing, 1 resolved.`);
    expect(dom).toContain(`${base.new} new, ${base.existing} existing, 1 resolved. The gate judges the new findings only`);
    // Each row says its baseline state; the new one is the purpose tag the change removed.
    const states = [...dom.matchAll(/<tr class="finding[^"]*" data-rule="([^"]+)" data-baseline="(new|existing)"/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(states.filter((x) => x.endsWith(' new'))).toEqual(['NHI-OWN-002 new']);
    expect(states.filter((x) => x.endsWith(' existing'))).toHaveLength(base.existing);
    expect(states).toHaveLength(doc.findings.length);
    expect(dom).toMatch(/<ul class="baseline-new"><li>.*NHI-OWN-002 lab-results-exchange/);
    expect(dom).toMatch(/<ul class="baseline-resolved"><li>.*NHI-EXP-001 hl7-interface-engine/);
    // The selection: what was left out (and how many findings it had), and what was re-rated.
    expect(dom).toContain(
      'Rule selection: 1 rule(s) not reported (NHI-EXP-002), which had 1 finding(s) in this run; severity changed for NHI-LP-001 critical→medium.',
    );
    expect(dom).toContain('--skip-rule NHI-EXP-002');
    expect(dom).toMatch(
      /<tr class="skipped-rule" data-rule="NHI-EXP-002"><td>NHI-EXP-002<span class="sub">Expired identity still present<\/span><\/td><td><span class="sev sev-critical">critical<\/span><\/td><td class="num">1<\/td><\/tr>/,
    );
    expect(dom).toMatch(
      /<tr class="severity-override" data-rule="NHI-LP-001"><td>NHI-LP-001<\/td><td><span class="sev sev-critical">critical<\/span><\/td><td><span class="sev sev-medium">medium<\/span><\/td><\/tr>/,
    );
    expect(doc.findings.some((f) => f.ruleId === 'NHI-EXP-002')).toBe(false);
  });
});
