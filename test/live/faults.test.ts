/**
 * A hostile AWS: the fault proxy (test/support/faultProxy.ts) in front of a real moto server.
 * Throttling is retried; AccessDenied, timeouts, resets and malformed responses become gaps:
 * the report is still written, lists what is missing, is never called clean, and the exit code is 3.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../checks/live/collect.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { CANARY, REGION, seedAccount, useTestCredentials } from './account.js';

let moto: MotoServer;
let proxy: FaultProxy;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nhi-faults-'));
const env = () => ({ ...process.env, AWS_REGION: REGION });

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  await seedAccount(moto.url);
  proxy = await startFaultProxy(moto.url);
});

afterEach(() => {
  proxy.clearFaults();
  proxy.resetCounts();
});

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

const noStackTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('live collection through a fault-injecting proxy', () => {
  it('passes requests through unchanged when no fault is set', async () => {
    const inv = await collectLive({ region: REGION, endpoint: proxy.url });
    expect(inv.gaps).toEqual([]);
    expect(inv.identities).toHaveLength(6);
    expect(proxy.calls('GetAccountAuthorizationDetails')).toBe(1);
    expect(proxy.calls('ListSecrets')).toBe(1);
    expect(proxy.calls('GetCallerIdentity')).toBe(1);
    // Pages, not identities, except ListAccessKeys per user and GetAccessKeyLastUsed per key.
    expect(proxy.calls('ListAccessKeys')).toBe(3);
    expect(proxy.calls('GetLoginProfile')).toBe(0);
    expect(proxy.calls('GetAccessKeyLastUsed')).toBe(3);
    expect(proxy.calls('GetSecretValue')).toBe(0);
  });

  it('retries throttling (twice, then success) and returns a complete result', async () => {
    proxy.setFault('GetAccountAuthorizationDetails', { kind: 'throttle', times: 2 });
    proxy.setFault('ListSecrets', { kind: 'throttle', times: 2 });
    const inv = await collectLive({ region: REGION, endpoint: proxy.url });
    expect(inv.gaps).toEqual([]);
    expect(proxy.injected('GetAccountAuthorizationDetails')).toBe(2);
    expect(proxy.calls('GetAccountAuthorizationDetails')).toBe(3);
    expect(proxy.calls('ListSecrets')).toBe(3);
    expect(inv.identities).toHaveLength(6);
    expect(inv.credentials.filter((c) => c.kind === 'secret')).toHaveLength(2);
  });

  it('AccessDenied on ListSecrets: exit 3, the report lists the gap and identities are still checked', async () => {
    proxy.setFault('ListSecrets', { kind: 'access-denied' });
    const out = path.join(tmp, 'denied.json');
    const r = await runCli(['check', '--live', 'aws', '--endpoint', proxy.url, '--format', 'json', '--output', out, '--fail-on', 'high'], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^nhi-guard: incomplete: 1 part\(s\) of the account could not be read \(first: secretsmanager ListSecrets \(us-east-1\): AccessDeniedException/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(check('findings', doc)).toBeNull();
    expect(doc.gaps).toEqual([
      { service: 'secretsmanager', operation: 'ListSecrets', region: REGION, account: '123456789012', error: expect.stringContaining('AccessDeniedException') },
    ]);
    // Identities were read and judged.
    expect(doc.findings.some((f: { ruleId: string }) => f.ruleId === 'NHI-LP-004')).toBe(true);
    expect(doc.findings.some((f: { resource: { type: string } }) => f.resource.type === 'aws_secretsmanager_secret')).toBe(false);

    // The text report says INCOMPLETE, never a clean verdict.
    const t = await runCli(['check', '--live', 'aws', '--endpoint', proxy.url, '--fail-on', 'none'], env());
    expect(t.code).toBe(3);
    expect(t.stdout).toContain('INCOMPLETE: 1 part(s) of the account could not be read; the result is not clean:');
    expect(t.stdout).toMatch(/secretsmanager ListSecrets \(us-east-1\): AccessDeniedException/);
    const md = await runCli(['check', '--live', 'aws', '--endpoint', proxy.url, '--format', 'markdown', '--fail-on', 'none'], env());
    expect(md.code).toBe(3);
    expect(md.stdout).toContain('**INCOMPLETE**');
    expect(md.stdout).not.toContain('✅');
  });

  it('report merge keeps the gaps of an incomplete document and exits 3', async () => {
    proxy.setFault('ListSecrets', { kind: 'access-denied' });
    const out = path.join(tmp, 'to-merge.json');
    const r = await runCli(['check', '--live', 'aws', '--endpoint', proxy.url, '--format', 'json', '--output', out, '--fail-on', 'none'], env());
    expect(r.code).toBe(3);
    const m = await runCli(['report', 'merge', out, '--format', 'json']);
    expect(m.code).toBe(3);
    const merged = JSON.parse(m.stdout);
    expect(check('findings', merged)).toBeNull();
    expect(merged.gaps).toEqual([expect.objectContaining({ operation: 'ListSecrets' })]);
  });

  it('snapshot with a gap is still written (gaps inside) and exits 3; check --snapshot of it exits 3 too', async () => {
    proxy.setFault('ListAccessKeys', { kind: 'access-denied' });
    const file = path.join(tmp, 'partial.json');
    const s = await runCli(['snapshot', '--live', 'aws', '--endpoint', proxy.url, '--output', file], env());
    expect(s.code).toBe(3);
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    expect(check('inventory', snap)).toBeNull();
    expect(snap.gaps.map((g: { operation: string; target?: string }) => `${g.operation} ${g.target}`).sort()).toEqual([
      'ListAccessKeys batch-export',
      'ListAccessKeys ops-console',
      'ListAccessKeys vendor-sftp',
    ]);
    // Users whose keys could not be listed have no known last use.
    expect(snap.identities.find((i: { id: string }) => i.id === 'iam-user:vendor-sftp').usage.lastUsed).toBeUndefined();
    const r = await runCli(['check', '--snapshot', file, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).gaps).toHaveLength(3);
  });

  it('a request beyond the client timeout: exit 3 with the timeout recorded (bounded by retries)', async () => {
    proxy.setFault('GetAccountAuthorizationDetails', { kind: 'delay', ms: 10_000 });
    const r = await runCli(['check', '--live', 'aws', '--endpoint', proxy.url, '--timeout', '0.5', '--format', 'json', '--fail-on', 'none'], env());
    expect(r.code).toBe(3);
    noStackTrace(r.stderr);
    const doc = JSON.parse(r.stdout);
    expect(doc.gaps).toEqual([
      expect.objectContaining({ service: 'iam', operation: 'GetAccountAuthorizationDetails', error: expect.stringMatching(/timeout|TimeoutError/i) }),
    ]);
    // Attempts hit the delay until the retry budget (attempts and total time) was spent, then collection moved on.
    expect(proxy.injected('GetAccountAuthorizationDetails')).toBeGreaterThanOrEqual(2);
    expect(proxy.injected('GetAccountAuthorizationDetails')).toBeLessThanOrEqual(5);
    // Secrets were still read.
    expect(doc.inputs).toHaveLength(1);
  }, 60_000);

  it('a report state that is no state (malformed) is a gap at once, never polled again', async () => {
    proxy.setFault('GenerateCredentialReport', { kind: 'rewrite', rewrite: (xml) => xml.replace(/<State>[^<]*<\/State>/, '<State>SOMETIME</State>') });
    const inv = await collectLive({ region: REGION, endpoint: proxy.url, reportPolls: 1000, reportPollMs: 60_000 });
    expect(proxy.calls('GenerateCredentialReport')).toBe(1);
    expect(proxy.calls('GetCredentialReport')).toBe(0);
    expect(inv.gaps).toEqual([expect.objectContaining({ operation: 'GenerateCredentialReport', error: expect.stringContaining('without a report state') })]);
  });

  it('a reset connection on every attempt becomes a gap', async () => {
    proxy.setFault('GetCredentialReport', { kind: 'reset' });
    const inv = await collectLive({ region: REGION, endpoint: proxy.url });
    expect(inv.gaps).toEqual([expect.objectContaining({ service: 'iam', operation: 'GetCredentialReport' })]);
    // Keys are still read; login profiles and users' last use are unknown.
    expect(inv.identities.find((i) => i.id === 'iam-user:vendor-sftp')!.usage!.lastUsed).toBeUndefined();
    expect(inv.credentials.filter((c) => c.kind === 'access-key')).toHaveLength(3);
    expect(inv.credentials.filter((c) => c.kind === 'login-profile')).toHaveLength(0);
  });

  it.each(['GetAccountAuthorizationDetails', 'ListSecrets', 'GetCallerIdentity'])(
    'a malformed (truncated) %s response: exit 3 or a clear one-line error, never a stack trace',
    async (op) => {
      proxy.setFault(op, { kind: 'truncate' });
      const r = await runCli(['check', '--live', 'aws', '--endpoint', proxy.url, '--format', 'json', '--fail-on', 'none'], env());
      noStackTrace(r.stderr);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(3);
      const doc = JSON.parse(r.stdout);
      expect(doc.gaps.map((g: { operation: string }) => g.operation)).toContain(op);
      expect(r.stdout).not.toContain(CANARY);
    },
  );
});
