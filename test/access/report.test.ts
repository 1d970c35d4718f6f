/**
 * The access map in the findings reports: the HTML report's PHI access section and, with
 * --baseline, the PR comment's access delta ("this change gives ... through ..."). Two live
 * snapshots of one account: before and after a change that lets analytics assume the reader role.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { emptyInventory, type DocRef, type Inventory, type Statement } from '../../checks/model.js';
import { runCli } from '../support/cli.js';

const ACCT = '111122223333';
const tags = (dc: string) => ({
  owner: 'dermatology',
  purpose: 'derm',
  'data-class': dc,
  environment: 'prod',
  'expires-on': '2027-06-30',
  'identity-kind': 'service',
});
const origin = { source: 'live' as const };
const docOf = (...statements: object[]): DocRef => ({ known: true, document: { statements: statements as Statement[] } });

function snapshot(analyticsMayAssume: boolean): Inventory {
  const inv = emptyInventory([{ kind: 'live', file: 'aws' }]);
  inv.accountId = ACCT;
  inv.collectedAt = '2026-11-22T00:00:00Z';
  inv.identities.push(
    {
      id: 'role/derm-analytics',
      kind: 'role',
      name: 'derm-analytics',
      arn: `arn:aws:iam::${ACCT}:role/derm-analytics`,
      tags: tags('internal'),
      trust: docOf({ effect: 'Allow', actions: ['sts:assumerole'], principals: { service: ['ecs-tasks.amazonaws.com'] }, conditions: [] }),
      policies: analyticsMayAssume ? [{ policy: 'inline/derm-analytics/assume' }] : [],
      groups: [],
      change: 'existing',
      usage: { createDate: '2025-01-01T00:00:00Z', lastUsed: '2026-05-01T00:00:00Z' },
      origin,
    },
    {
      id: 'role/derm-reader',
      kind: 'role',
      name: 'derm-reader',
      arn: `arn:aws:iam::${ACCT}:role/derm-reader`,
      tags: tags('phi'),
      trust: docOf({ effect: 'Allow', actions: ['sts:assumerole'], principals: { aws: [`arn:aws:iam::${ACCT}:role/derm-analytics`] }, conditions: [] }),
      policies: [{ policy: 'inline/derm-reader/read' }],
      groups: [],
      change: 'existing',
      usage: { createDate: '2025-01-01T00:00:00Z', lastUsed: '2026-11-20T00:00:00Z' },
      origin,
    },
  );
  inv.policies.push(
    {
      id: 'inline/derm-reader/read',
      name: 'derm-reader-read',
      type: 'inline',
      document: docOf({ effect: 'Allow', actions: ['s3:getobject'], resources: ['arn:aws:s3:::stmarys-derm-images/*'], conditions: [] }),
      change: 'existing',
      origin,
    },
    {
      id: 'inline/derm-analytics/assume',
      name: 'derm-analytics-assume',
      type: 'inline',
      document: docOf({ effect: 'Allow', actions: ['sts:assumerole'], resources: [`arn:aws:iam::${ACCT}:role/derm-*`], conditions: [] }),
      change: 'existing',
      origin,
    },
  );
  inv.dataStores.push({
    id: 's3/stmarys-derm-images',
    kind: 's3',
    name: 'stmarys-derm-images',
    arn: 'arn:aws:s3:::stmarys-derm-images',
    tags: tags('phi'),
    change: 'existing',
    origin,
  });
  return inv;
}

let dir: string;
const before = () => path.join(dir, 'before.json');
const after = () => path.join(dir, 'after.json');
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-access-report-'));
  writeFileSync(before(), JSON.stringify(snapshot(false)));
  writeFileSync(after(), JSON.stringify(snapshot(true)));
});

describe('the access map in the findings reports', () => {
  it('the PR comment against a baseline leads with what the change gives, and NHI-LP-010 names the dormant analytics role', async () => {
    const base = path.join(dir, 'base.json');
    const b = await runCli(['check', '--snapshot', before(), '--format', 'json', '--output', base, '--fail-on', 'none', '--now', '2026-11-22']);
    expect(b.stderr).toBe('');
    const json = await runCli(['check', '--snapshot', after(), '--format', 'json', '--baseline', base, '--fail-on', 'none', '--now', '2026-11-22']);
    const doc = JSON.parse(json.stdout) as {
      accessDelta: { gained: Array<{ principal: string; store: string; levels: string[] }> };
      findings: Array<{ ruleId: string; message: string; baseline?: string }>;
    };
    expect(check('findings', doc)).toBeNull();
    expect(doc.accessDelta.gained.map((g) => `${g.principal} ${g.levels.join('+')} ${g.store}`)).toEqual(['role derm-analytics read s3 stmarys-derm-images']);
    const lp010 = doc.findings.filter((f) => f.ruleId === 'NHI-LP-010');
    expect(lp010.map((f) => [f.baseline, f.message])).toEqual([
      [
        'new',
        'role derm-analytics (data-class internal) (dormant: last used 205 days ago) reaches data-class phi store s3 stmarys-derm-images (read) through the role chain role derm-analytics -> role derm-reader',
      ],
    ]);
    const md = await runCli(['check', '--snapshot', after(), '--format', 'markdown', '--baseline', base, '--fail-on', 'none', '--now', '2026-11-22']);
    expect(md.stdout).toContain('### PHI access: 1 gained, 0 lost');
    expect(md.stdout).toContain(
      '- 🟧 this change gives role derm-analytics read on s3 stmarys-derm-images through role derm-analytics → assumes role derm-reader (derm-analytics-assume #0 allows sts:AssumeRole, trust statement #0 admits it) → derm-reader-read #0 allows s3:getobject → s3 stmarys-derm-images',
    );
  });

  it('the HTML report has a PHI access section with the last use of each principal', async () => {
    const r = await runCli(['check', '--snapshot', after(), '--format', 'html', '--fail-on', 'none', '--now', '2026-11-22']);
    expect(r.stdout).toContain('<h2 id="phi-access">PHI access (1 data store)</h2>');
    expect(r.stdout).toContain('<h3>s3 stmarys-derm-images (data-class phi, owner dermatology): 2 principals</h3>');
    expect(r.stdout).toMatch(/<td>role derm-analytics<\/td><td>read<\/td><td>role chain<\/td>.*<td class="date">2026-05-01 \(205d ago\)<\/td>/);
  });
});
