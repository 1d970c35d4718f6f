/**
 * The named own account (--own-account, the config file's own-account, policy data ownAccounts)
 * is applied wherever a declared source is read, by the one loader option (checks/run.ts
 * LoadOptions.named): check (test/cli/own-account.test.ts), inventory, drift's declared side and
 * the access map, its declared side included. A live side keeps the account it was read from.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDrift } from '../../checks/drift/run.js';
import { loadSource } from '../../checks/run.js';
import { runCli } from '../support/cli.js';

const PLAN = path.resolve('test/fixtures/plans/rules-create.json');
const SNAPSHOT = path.resolve('test/fixtures/snapshots/handmade-estate-drift.json');
const NOW = new Date('2026-12-03T00:00:00Z');

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-own-account-cmds-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

async function inventoryOf(args: string[]): Promise<{ accountId?: string; accountSource?: string; ownAccounts?: string[] }> {
  const r = await runCli(['inventory', '--plan', PLAN, '--format', 'json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { accountId?: string; accountSource?: string; ownAccounts?: string[] };
}

describe('the named own account in every command that reads a declared source', () => {
  it('inventory: the option, the config file and policy data name the own account of a plan that knows none', async () => {
    expect((await inventoryOf([])).accountId).toBeUndefined();
    expect(await inventoryOf(['--own-account', '123456789012'])).toMatchObject({ accountId: '123456789012', accountSource: 'own-account' });
    const both = await inventoryOf(['--own-account', '123456789012', '--own-account', '210987654321']);
    expect(both.ownAccounts).toEqual(['123456789012', '210987654321']);
    const dir = tmp({ 'nhi.yaml': 'own-account: ["123456789012"]\n', 'data.yaml': 'ownAccounts: ["210987654321"]\n' });
    expect(await inventoryOf(['--config', path.join(dir, 'nhi.yaml')])).toMatchObject({ accountId: '123456789012', accountSource: 'own-account' });
    expect(await inventoryOf(['--data', path.join(dir, 'data.yaml')])).toMatchObject({ accountId: '210987654321', accountSource: 'policy-data' });
    const bad = await runCli(['inventory', '--plan', PLAN, '--own-account', '12345']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('nhi-guard: --own-account "12345": is not a 12-digit AWS account id\n');
  });

  it("drift: the declared side takes the named account (option over policy data); the live side keeps the snapshot's", async () => {
    const live = () => loadSource({ kind: 'live', path: SNAPSHOT }, { named: { accounts: ['999999999999'], source: 'own-account' } });
    const plain = await runDrift({ declared: { kind: 'plan', path: PLAN }, live, now: NOW });
    expect(plain.declared.accountId).toBeUndefined();
    const named = await runDrift({ declared: { kind: 'plan', path: PLAN }, live, now: NOW, ownAccounts: ['123456789012'] });
    expect(named.declared).toMatchObject({ accountId: '123456789012', accountSource: 'own-account' });
    expect(named.live.accountId).toBe('123456789012');
    expect(named.live.accountSource).not.toBe('own-account');
    const dir = tmp({ 'data.yaml': 'ownAccounts: ["210987654321"]\n' });
    const fromData = await runDrift({ declared: [{ kind: 'plan', path: PLAN }], live, now: NOW, dataFile: path.join(dir, 'data.yaml') });
    expect(fromData.declared).toMatchObject({ accountId: '210987654321', accountSource: 'policy-data' });
    // The CLI takes the option for drift, and refuses a malformed one (exit 2, one line).
    const ok = await runCli([
      'drift',
      '--declared-plan',
      PLAN,
      '--snapshot',
      SNAPSHOT,
      '--own-account',
      '123456789012',
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(['drift', '--declared-plan', PLAN, '--snapshot', SNAPSHOT, '--own-account', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('nhi-guard: --own-account "1": is not a 12-digit AWS account id\n');
  });
});
