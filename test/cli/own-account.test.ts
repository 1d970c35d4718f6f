/**
 * The own account the user names: --own-account (flag or the config file's own-account) over
 * policy data ownAccounts over what the input says (data.aws_caller_identity, known ARNs,
 * allowed_account_ids). The findings document says which; every named account counts as own for
 * NHI-TR-002. The rules fixture's plan knows no account of its own (nothing applied yet).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';

const PLAN = path.resolve('test/fixtures/plans/rules-create.json');
const STATE = path.resolve('test/fixtures/state/rules-show.json');

interface Doc {
  account?: { id: string; source?: string };
  findings: Array<{ ruleId: string; resource: { address?: string } }>;
}

async function run(args: string[]): Promise<Doc> {
  const r = await runCli(['check', ...args, '--format', 'json', '--fail-on', 'none', '--now', '2026-12-03']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout) as Doc;
  expect(check('findings', doc)).toBeNull();
  return doc;
}

const tr002 = (d: Doc) =>
  d.findings
    .filter((f) => f.ruleId === 'NHI-TR-002')
    .map((f) => f.resource.address)
    .sort();

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-own-account-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('the own account the user names', () => {
  it('--own-account is the own account of a plan that knows none, and says so; same-account principals are no longer cross-account', async () => {
    const before = await run(['--plan', PLAN]);
    expect(before.account).toBeUndefined();
    expect(tr002(before)).toContain('aws_iam_role.id["tr005-bad"]');
    const named = await run(['--plan', PLAN, '--own-account', '123456789012']);
    expect(named.account).toEqual({ id: '123456789012', source: 'own-account' });
    expect(tr002(named)).toEqual(['aws_iam_role.id["tr002-bad"]']);
    // Both accounts named: the fixture's "other" account is own too.
    const both = await run(['--plan', PLAN, '--own-account', '123456789012', '--own-account', '210987654321']);
    expect(both.account).toEqual({ id: '123456789012', source: 'own-account' });
    expect(tr002(both)).toEqual([]);
  });

  it('is above what the input says (the state knows its account from its ARNs)', async () => {
    expect((await run(['--state', STATE])).account).toEqual({ id: '123456789012', source: 'known-arns' });
    expect((await run(['--state', STATE, '--own-account', '111111111111'])).account).toEqual({ id: '111111111111', source: 'own-account' });
    // Several named: the one the input names, when it is among them.
    expect((await run(['--state', STATE, '--own-account', '111111111111', '--own-account', '123456789012'])).account).toEqual({
      id: '123456789012',
      source: 'own-account',
    });
  });

  it('from the config file (own-account) and from policy data (ownAccounts); the option wins over policy data', async () => {
    const dir = tmp({
      'nhi.yaml': 'own-account: [123456789012]\n',
      'data.yaml': 'ownAccounts: ["210987654321"]\n',
    });
    expect((await run(['--plan', PLAN, '--config', path.join(dir, 'nhi.yaml')])).account).toEqual({ id: '123456789012', source: 'own-account' });
    const fromData = await run(['--plan', PLAN, '--data', path.join(dir, 'data.yaml')]);
    expect(fromData.account).toEqual({ id: '210987654321', source: 'policy-data' });
    expect(tr002(fromData)).not.toContain('aws_iam_role.id["tr002-bad"]');
    expect((await run(['--plan', PLAN, '--data', path.join(dir, 'data.yaml'), '--own-account', '123456789012'])).account).toEqual({
      id: '123456789012',
      source: 'own-account',
    });
  });

  it('a value that is not a 12-digit account id is exit 2 with one line', async () => {
    const r = await runCli(['check', '--plan', PLAN, '--own-account', '12345', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nhi-guard: --own-account "12345": is not a 12-digit AWS account id\n');
    const dir = tmp({ 'data.yaml': 'ownAccounts: ["1234"]\n' });
    const d = await runCli(['check', '--plan', PLAN, '--data', path.join(dir, 'data.yaml'), '--format', 'json']);
    expect(d.code).toBe(2);
    expect(d.stderr.trim().split('\n')).toHaveLength(1);
    expect(d.stderr).toContain('data.yaml');
    expect(d.stderr).toContain('ownAccounts');
    // The config file: an unquoted YAML number that lost its leading zero names the key and item.
    writeFileSync(path.join(dir, 'nhi.yaml'), 'own-account: [123456789012, 012345678901]\n');
    const c = await runCli(['check', '--plan', PLAN, '--config', path.join(dir, 'nhi.yaml'), '--format', 'json']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(
      `nhi-guard: ${path.join(dir, 'nhi.yaml')}: $["own-account"][1]: must be a 12-digit AWS account id (quote it in YAML when it starts with 0)\n`,
    );
  });
});
