import { describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../reports/markdown.js';
import { bigDoc, finding, makeDoc } from './fixture.js';

describe('markdown report', () => {
  const md = renderMarkdown(makeDoc());

  it('has a headline with the counts and a severity table', () => {
    const lines = md.split('\n');
    expect(lines).toContain('## 🟥 nhi-guard: 5 findings (1 critical, 2 high, 1 low, 1 info)');
    expect(md).toContain('| 🟥 critical | 1 |');
    expect(md).toContain('| 🟨 medium | 0 |');
    expect(md).toContain('| waived | 1 |');
  });

  it('lists identities with their owner and groups findings in <details>, worst first', () => {
    expect(md).toContain('| lab-results-exchange | team-integrations | 4 | 🟥 critical |');
    expect(md).toContain('| vendor-billing | team-revenue | 1 | 🟧 high |');
    const opens = md.match(/^<details>$/gm) ?? [];
    const closes = md.match(/^<\/details>$/gm) ?? [];
    expect(opens).toHaveLength(2);
    expect(closes).toHaveLength(2);
    expect(md).toContain('<summary><b>lab-results-exchange</b>: 1 critical, 1 high, 1 low, 1 info; owner: team-integrations</summary>');
    expect(md.indexOf('<b>lab-results-exchange</b>')).toBeLessThan(md.indexOf('<b>vendor-billing</b>'));
    // Markdown emphasis characters in messages are escaped.
    expect(md).toContain('allows Action "\\*" on Resource "\\*"');
  });

  it('lists waived findings separately, not among the open ones', () => {
    const waived = md.slice(md.indexOf('### Waived'));
    expect(waived).toContain('| `NHI-OWN-001` | hl7-feed | Owner being assigned after the vendor migration | platform-security | 2027-01-15 |');
    expect(md.slice(0, md.indexOf('### Waived'))).not.toContain('hl7-feed has no owner');
    expect(md).not.toContain('more findings not shown');
  });

  it('a clean document says so', () => {
    const clean = renderMarkdown(makeDoc({ findings: [] }));
    expect(clean).toContain('## ✅ nhi-guard: no unwaived findings');
    expect(clean).not.toContain('<details>');
  });

  it('neutralises pipes, newlines and HTML in user-controlled text', () => {
    const f = finding('NHI-LP-002', { message: 'bad | pipe\nnew line <script>alert(1)</script>', identity: 'x|y', owner: '<b>o</b>' });
    const out = renderMarkdown(makeDoc({ findings: [f] }));
    expect(out).not.toContain('<script>');
    expect(out).toContain('bad \\| pipe new line &lt;script&gt;');
    expect(out).toContain('| x\\|y | &lt;b&gt;o&lt;/b&gt; |');
  });

  it('truncates a 5,000-finding document under the GitHub comment limit with a note', () => {
    const doc = bigDoc(5000);
    const t0 = performance.now();
    const out = renderMarkdown(doc);
    const ms = performance.now() - t0;
    expect(out.length).toBeLessThanOrEqual(60_000);
    expect(out.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(out.length).toBeGreaterThan(50_000); // it uses the room it has
    const shown = (out.match(/^- \S+ \*\*\w+\*\* /gm) ?? []).length;
    expect(shown).toBeGreaterThan(50);
    const m = /> ⚠️ (\d+) more findings not shown; see the SARIF\/JSON report\./.exec(out);
    expect(m).not.toBeNull();
    expect(Number(m![1]) + shown).toBe(5000);
    expect((out.match(/^<details>$/gm) ?? []).length).toBe((out.match(/^<\/details>$/gm) ?? []).length);
    expect(ms).toBeLessThan(5000);
  });

  it('one huge identity is cut inside its section', () => {
    const doc = bigDoc(3000);
    for (const f of doc.findings) f.identity = 'one-role';
    const out = renderMarkdown(doc);
    expect(out.length).toBeLessThanOrEqual(60_000);
    expect(out).toMatch(/<b>one-role<\/b>: .*\(showing \d+ of 3000\)/);
    expect(out).toMatch(/more findings not shown/);
  });

  it('honours a smaller budget', () => {
    const out = renderMarkdown(bigDoc(200), { budget: 8000 });
    expect(out.length).toBeLessThanOrEqual(8000);
    expect(out).toMatch(/more findings not shown/);
  });
});

describe('markdown report of a real plan', () => {
  it('lists the identities the plan creates with owner, data class, expiry and findings', async () => {
    const { runCli } = await import('../support/cli.js');
    const { ESTATE_PLAN, ESTATE_DELETE_PLAN } = await import('../support/estate.js');
    const r = await runCli(['check', '--plan', ESTATE_PLAN, '--format', 'markdown', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(r.stderr).toBe('');
    const section = r.stdout.slice(r.stdout.indexOf('### New identities'), r.stdout.indexOf('### Identities with findings'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Identity'));
    expect(section.startsWith('### New identities (6)')).toBe(true);
    expect(rows).toHaveLength(6);
    expect(rows).toContain('| vendor-acme-sftp | user, vendor | team-vendors | phi | 2027-01-15 (in 54 d) | 1 |');
    expect(rows).toContain('| legacy-batch | role | team-legacy | - | 2026-01-31 (expired 295 d ago) | 4 |');
    // The name of aws_iam_role.etl is only known after apply (name_prefix): the address stands in.
    expect(rows.some((l) => l.startsWith('| aws\\_iam\\_role.etl | role, automation | team-data |'))).toBe(true);

    // A plan that only deletes creates no identity: no section.
    const del = await runCli(['check', '--plan', ESTATE_DELETE_PLAN, '--format', 'markdown', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(del.stdout).not.toContain('### New identities');
  });
});

describe('bidirectional overrides and control characters from the input', () => {
  it('are shown escaped in the Markdown, text and HTML reports, never applied', async () => {
    const { render } = await import('../../reports/index.js');
    const f = finding('NHI-LP-002', { message: 'role admin\u202etxt.exe allows s3:*', identity: 'admin\u202etxt.exe', owner: 'team\u0007' });
    const doc = makeDoc({ findings: [f] });
    for (const format of ['markdown', 'text', 'html'] as const) {
      const out = render(format, doc, { color: false });
      expect(out, format).not.toMatch(/[\u202e\u0007]/);
      expect(out, format).toContain('u202etxt.exe');
    }
  });
});
