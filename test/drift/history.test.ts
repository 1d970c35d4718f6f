/** The report history folder: atomic unique files per run, concurrent runs, the trend read back. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../checks/baseline.js';
import { appendHistory, readHistory, sincePrevious, trendOf, trendPoint } from '../../checks/drift/history.js';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { finding, makeDoc } from '../reports/fixture.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'nhi-history-'));

function docAt(iso: string, base: FindingsDocument = makeDoc()): FindingsDocument {
  return {
    ...base,
    generatedAt: iso,
    trend: [{ generatedAt: '2026-01-01T00:00:00.000Z', bySeverity: { critical: 9, high: 0, medium: 0, low: 0, info: 0 }, total: 9 }],
  };
}

describe('history folder', () => {
  it('adds one schema-valid document per run, without its own trend, under a unique name', async () => {
    const dir = tmp();
    const a = await appendHistory(dir, docAt('2026-11-21T00:00:00.000Z'));
    const b = await appendHistory(dir, docAt('2026-11-21T00:00:00.000Z'));
    expect(a).not.toBe(b);
    expect(readdirSync(dir).sort()).toEqual([path.basename(a), path.basename(b)].sort());
    const stored = JSON.parse(readFileSync(a, 'utf8')) as FindingsDocument;
    expect(stored.trend).toBeUndefined();
    expect(check('findings', stored)).toBeNull();
  });

  it('concurrent runs do not corrupt or overwrite each other', async () => {
    const dir = tmp();
    const runs = Array.from({ length: 24 }, (_, i) => docAt(`2026-11-${String((i % 9) + 10).padStart(2, '0')}T00:00:00.000Z`));
    await Promise.all(runs.map((d) => appendHistory(dir, d)));
    const files = readdirSync(dir);
    expect(files).toHaveLength(24);
    expect(files.every((f) => /^nhi-guard-\d{8}T\d{6}Z-[0-9a-f]+\.json$/.test(f))).toBe(true);
    const warnings: string[] = [];
    const history = await readHistory(dir, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
    expect(history).toHaveLength(24);
    expect(history.map((h) => h.generatedAt)).toEqual([...history.map((h) => h.generatedAt)].sort());
  });

  it('skips a file that is not a findings document, naming it, and ignores temporary files', async () => {
    const dir = tmp();
    await appendHistory(dir, docAt('2026-11-20T00:00:00.000Z'));
    writeFileSync(path.join(dir, 'broken.json'), '{"schemaVersion": ');
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ hello: 'world' }));
    writeFileSync(path.join(dir, '.nhi-guard-x.json.123.abcd.tmp'), '{');
    const warnings: string[] = [];
    const history = await readHistory(dir, (m) => warnings.push(m));
    expect(history).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w.includes('broken.json'))).toMatch(/not valid JSON.*skipped in the trend/);
    expect(warnings.find((w) => w.includes('other.json'))).toMatch(/\$: must have property .*skipped in the trend/);
  });

  it('marks the runs that could not read the whole account', async () => {
    const dir = tmp();
    const gaps = [{ service: 'iam', operation: 'ListAccessKeys', error: 'AccessDenied' }];
    await appendHistory(dir, { ...docAt('2026-11-20T00:00:00.000Z'), gaps });
    await appendHistory(dir, docAt('2026-11-21T00:00:00.000Z'));
    const t = trendOf(await readHistory(dir, () => undefined), { ...docAt('2026-11-22T00:00:00.000Z'), gaps });
    expect(t.map((p) => p.incomplete ?? false)).toEqual([true, false, true]);
  });

  it('a missing folder is an empty history', async () => {
    expect(await readHistory(path.join(tmp(), 'none'), () => undefined)).toEqual([]);
  });

  it('the trend counts unwaived findings per run, oldest first, the current run last; per owner too', async () => {
    const dir = tmp();
    const older = makeDoc({ findings: [finding('NHI-LP-001', { message: 'a', owner: 'team-a' }), finding('NHI-OWN-001', { message: 'b' })] });
    await appendHistory(dir, { ...older, generatedAt: '2026-11-20T00:00:00.000Z' });
    const history = await readHistory(dir, () => undefined);
    const current = {
      ...makeDoc({
        findings: [finding('NHI-LP-002', { message: 'c', owner: 'team-a' }), finding('NHI-LP-002', { message: 'd', owner: 'team-a', waived: true })],
      }),
      generatedAt: '2026-11-21T00:00:00.000Z',
    };
    const t = trendOf(history, current);
    expect(t.map((p) => [p.generatedAt, p.total, p.bySeverity.critical, p.bySeverity.high])).toEqual([
      ['2026-11-20T00:00:00.000Z', 2, 1, 0],
      ['2026-11-21T00:00:00.000Z', 1, 0, 1],
    ]);
    expect(trendOf(history, current, '').map((p) => p.total)).toEqual([1, 0]);
    expect(trendPoint('x', [{ severity: 'low', waived: false, owner: 'team-a' }], 'team-b').total).toBe(0);
  });
});

describe('since the previous run', () => {
  it('names the findings that are new since the newest document of the folder, and those it had that are gone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-history-since-'));
    const kept = finding('NHI-LP-001', { message: 'policy admin allows every action', identity: 'etl', owner: 'team-data' });
    const gone = finding('NHI-OWN-001', { message: 'role etl has no owner tag', identity: 'etl' });
    const fresh = finding('NHI-LP-002', { message: 'policy wide allows every s3 action', identity: 'lab', owner: 'team-lab' });
    const older = await appendHistory(dir, makeDoc({ findings: [kept], generatedAt: '2026-11-20T03:00:00.000Z' }));
    const previous = await appendHistory(dir, makeDoc({ findings: [kept, gone], generatedAt: '2026-11-21T03:00:00.000Z' }));
    expect(older).not.toBe(previous);
    const history = await readHistory(dir, () => undefined);
    // Only the newest document is kept whole.
    expect(history.map((h) => h.document !== undefined)).toEqual([false, true]);
    const current = makeDoc({ findings: [kept, fresh] });
    const since = sincePrevious(history, current)!;
    expect(since.file).toBe(previous);
    expect(since.generatedAt).toBe('2026-11-21T03:00:00.000Z');
    expect(since.new).toEqual([fingerprint(fresh)]);
    expect(since.resolved.map((f) => f.message)).toEqual(['role etl has no owner tag']);
    expect(check('findings', { ...current, sincePrevious: since })).toBeNull();
    // The first run has nothing to compare with.
    expect(sincePrevious([], current)).toBeUndefined();
  });
});
