/**
 * bin/nhi-guard.mjs runs the CLI from an esbuild bundle of the sources (bin/launch.mjs): the bundle
 * decides exactly as the sources do, and a source newer than the bundle makes the next run rebuild.
 */
import { readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../checks/engine/opaBinary.js';
import { runBin } from '../support/cli.js';
import { ESTATE_PLAN } from '../support/estate.js';

const CURRENT = path.join(PROJECT_ROOT, 'checks', '.build', 'current.json');

const current = () => JSON.parse(readFileSync(CURRENT, 'utf8')) as { dir: string; builtAt: number; inputs: string[] };
const check = ['check', '--plan', ESTATE_PLAN, '--format', 'json', '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z'];
const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: unknown[] }).findings;

describe('the CLI bundle', () => {
  it('finds what the sources run through tsx find, and lists every source it was built from', async () => {
    const [bundled, sources] = await Promise.all([runBin(check), runBin(check, { NHI_GUARD_NO_BUNDLE: '1' })]);
    expect(bundled.stderr).toBe('');
    expect(bundled.code).toBe(0);
    expect(sources.code).toBe(0);
    expect(findingsOf(bundled.stdout).length).toBeGreaterThan(0);
    expect(findingsOf(bundled.stdout)).toEqual(findingsOf(sources.stdout));
    const inputs = current().inputs;
    expect(inputs).toContain('checks/cli/index.ts');
    expect(inputs).toContain('checks/loaders/plan.ts');
    expect(inputs).toContain('reports/sarif.ts');
    // Bundled packages are represented by npm's lock files, not their own files.
    expect(inputs).toContain('package-lock.json');
    expect(inputs.filter((f) => f.includes('node_modules'))).toEqual(['node_modules/.package-lock.json']);
  });

  it('is rebuilt after a source changes, and reused while none does', async () => {
    expect((await runBin(['policies', 'list'])).code).toBe(0);
    const before = current();
    const source = path.join(PROJECT_ROOT, 'checks', 'errors.ts');
    const mtime = statSync(source).mtime;
    // The file as it is, marked as changed now: the bundle is older than it.
    utimesSync(source, new Date(), new Date());
    try {
      const r = await runBin(['policies', 'list']);
      expect(r.code).toBe(0);
      const after = current();
      expect(after.dir).not.toBe(before.dir);
      expect(after.builtAt).toBeGreaterThan(before.builtAt);
      const again = await runBin(['policies', 'list']);
      expect(again.stdout).toBe(r.stdout);
      expect(current().dir).toBe(after.dir);
    } finally {
      utimesSync(source, new Date(), mtime);
    }
  });
});
