import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const FIXTURES = path.resolve('test/fixtures');
const PLAN = path.join(FIXTURES, 'plans', 'estate-create.json');
const TFSTATE = path.join(FIXTURES, 'state', 'estate.tfstate');
const SHOW = path.join(FIXTURES, 'state', 'estate-show.json');
const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-tf-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

async function expectInputError(args: string[], f: string, pattern: RegExp): Promise<void> {
  const r = await runCli([...args, '--now', '2026-11-22']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(f);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('bad plan and state input: exit 2, one stderr line naming the file', () => {
  const plan = JSON.parse(readFileSync(PLAN, 'utf8')) as Record<string, unknown>;

  it('a truncated plan', async () => {
    const text = readFileSync(PLAN, 'utf8');
    const f = file('truncated.json', text.slice(0, Math.floor(text.length / 2)));
    await expectInputError(['check', '--plan', f], f, /not valid JSON/);
  });

  it('a document that is not a plan', async () => {
    const f = file('not-a-plan.json', { hello: 'world' });
    await expectInputError(['check', '--plan', f], f, /not a terraform plan or state/);
  });

  it('a JSON array', async () => {
    const f = file('array.json', [1, 2]);
    await expectInputError(['check', '--plan', f], f, /\$: must be a JSON object/);
  });

  it('a plan without format_version', async () => {
    const { format_version: _drop, ...rest } = plan;
    const f = file('no-format.json', rest);
    await expectInputError(['check', '--plan', f], f, /\$\.format_version: is missing/);
  });

  it('a plan with an unsupported format_version', async () => {
    const f = file('format-2.json', { ...plan, format_version: '2.0' });
    await expectInputError(['check', '--plan', f], f, /\$\.format_version: "2\.0" is not supported/);
  });

  it('accepts any 0.x and 1.x format_version', async () => {
    for (const v of ['0.1', '1.0', '1.2', '1.9']) {
      const f = file(`format-${v}.json`, { ...plan, format_version: v });
      const r = await runCli(['inventory', '--plan', f, '--format', 'json', '--now', '2026-11-22']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('state given as --plan, and a plan given as --state', async () => {
    await expectInputError(['check', '--plan', SHOW], SHOW, /is terraform state.*--state/);
    await expectInputError(['check', '--plan', TFSTATE], TFSTATE, /terraform\.tfstate.*not a plan/);
    await expectInputError(['check', '--state', PLAN], PLAN, /is a terraform plan, not a state: give it with --plan/);
  });

  it('a terraform.tfstate version 3', async () => {
    const f = file('v3.tfstate', { version: 3, terraform_version: '0.11.14', serial: 1, lineage: 'x', modules: [{ path: ['root'], resources: {} }] });
    await expectInputError(
      ['check', '--state', f],
      f,
      /\$\.version: is terraform\.tfstate version 3; nhi-guard reads terraform\.tfstate version 4 and `terraform show -json` output/,
    );
  });

  it('malformed resources name the JSON path', async () => {
    const f = file('bad-resources.json', { ...plan, resource_changes: [{ address: 'aws_iam_role.x', change: { actions: 'create' } }] });
    await expectInputError(['check', '--plan', f], f, /\$\.resource_changes\[0\]\.change\.actions: must be a list of actions/);
    const g = file('bad-tfstate.json', { version: 4, lineage: 'x', resources: [{ mode: 'managed', type: 'aws_iam_role', instances: [] }] });
    await expectInputError(['inventory', '--state', g], g, /\$\.resources\[0\]\.name: must be the resource name/);
  });

  it('a missing file', async () => {
    const f = path.join(dir, 'nope.json');
    await expectInputError(['inventory', '--plan', f], f, /does not exist/);
  });
});
