/**
 * Live collection, the hardening angle (test/live/faults.test.ts covers throttling, AccessDenied,
 * delays, resets and truncation through the fault proxy): an endpoint that refuses connections,
 * one that accepts and never answers, one that answers 200 with garbage XML or JSON, and the
 * secret value of a live secret, which must not leave in any command, format or file.
 * Every server here binds 127.0.0.1 and is closed after the tests.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../reports/index.js';
import { check } from '../../checks/schemas/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import { ESTATE_PLAN } from '../support/estate.js';
import { canary } from '../support/hostile.js';
import { freePort, startMoto, type MotoServer } from '../support/moto.js';
import { SCANNER_ACTIONS } from '../../stacks/constructs/scanner-role.js';
import { startFaultProxy } from '../support/faultProxy.js';
import { CANARY as SEEDED_CANARY, REGION, seedAccount, seedDataStores, useTestCredentials } from '../live/account.js';
import { seedConfigurations } from '../live/configurations.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-live-hard-'));
const env = () => ({ ...process.env, AWS_REGION: REGION });
const servers: Array<{ close: () => void }> = [];
const sockets = new Set<net.Socket>();
let moto: MotoServer;

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  await seedAccount(moto.url);
  // Tagged stores (with RDS) so that every per-store call is made and seen on the wire.
  await seedDataStores(moto.url, { rds: true });
  // Functions, task definitions, parameters, instances, templates and groups: every per-element configuration call too.
  await seedConfigurations(moto.url);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function listen(server: net.Server): Promise<string> {
  servers.push(server);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`)));
}

function expectIncomplete(r: CliResult): void {
  expect(r.code, r.stderr).toBe(3);
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^nhi-guard: incomplete: /);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('unreachable and broken endpoints: bounded, clear, exit 3', () => {
  it('connection refused (a closed port): every API is a gap naming ECONNREFUSED', async () => {
    const port = await freePort();
    const r = await runCli(
      ['check', '--live', 'aws', '--endpoint', `http://127.0.0.1:${port}`, '--timeout', '2', '--format', 'json', '--fail-on', 'none'],
      env(),
    );
    expectIncomplete(r);
    const doc = JSON.parse(r.stdout) as { gaps: Array<{ error: string }>; findings: unknown[] };
    expect(doc.gaps.length).toBeGreaterThan(0);
    for (const g of doc.gaps) expect(g.error).toMatch(/ECONNREFUSED/);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
  }, 60_000);

  it('a server that accepts the connection and never answers: bounded by --timeout, then gaps', async () => {
    const url = await listen(net.createServer(() => undefined));
    const r = await runCli(['check', '--live', 'aws', '--endpoint', url, '--timeout', '0.5', '--format', 'json', '--fail-on', 'none'], env());
    expectIncomplete(r);
    const doc = JSON.parse(r.stdout) as { gaps: Array<{ error: string }> };
    expect(doc.gaps.length).toBeGreaterThan(0);
    for (const g of doc.gaps) expect(g.error).toMatch(/timeout|timed out|ETIMEDOUT|socket hang up|ECONNRESET/i);
  }, 120_000);

  describe('HTTP 200 with a malformed body: gaps, and the body is never echoed', () => {
    const bodies: Array<[string, string, (secret: string) => string]> = [
      ['XML garbage', 'text/xml', (s) => `<<<not xml ${s} <Error><Code>${s}</Code>`],
      ['XML of the wrong shape', 'text/xml', (s) => `<?xml version="1.0"?><Unexpected><Secret>${s}</Secret></Unexpected>`],
      ['JSON garbage', 'application/x-amz-json-1.1', (s) => `{"SecretList": [{"Name": "${s}"`],
      ['JSON of the wrong types', 'application/x-amz-json-1.1', (s) => JSON.stringify({ SecretList: s, NextToken: { s }, Account: [s], UserId: 5 })],
      ['an HTML error page', 'text/html', (s) => `<html><body><h1>502 Bad Gateway</h1><!-- ${s} --></body></html>`],
    ];
    it.each(bodies)(
      '%s',
      async (_name, type, body) => {
        const secret = canary('live-body');
        const url = await listen(
          http.createServer((_req, res) => {
            res.writeHead(200, { 'content-type': type });
            res.end(body(secret));
          }),
        );
        const out = path.join(dir, `garbage-${type.replace(/\W+/g, '-')}-${Date.now()}.json`);
        const r = await runCli(
          ['check', '--live', 'aws', '--endpoint', url, '--timeout', '2', '--format', 'json', '--fail-on', 'none', '--output', out],
          env(),
        );
        expect([2, 3]).toContain(r.code);
        expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
        expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
        expect(r.stderr).not.toContain(secret);
        expect(r.stdout).not.toContain(secret);
        if (r.code === 3) expect(readFileSync(out, 'utf8')).not.toContain(secret);
      },
      120_000,
    );
  });
});

describe('read-only: the collector calls only the ScannerRole actions', () => {
  it('every AWS operation seen on the wire during check, snapshot and inventory --live is one the ScannerRole grants', async () => {
    const proxy = await startFaultProxy(moto.url);
    try {
      for (const args of [
        ['check', '--live', 'aws', '--format', 'json', '--fail-on', 'none'],
        ['snapshot', '--live', 'aws', '--output', path.join(dir, 'ro-snapshot.json')],
        ['inventory', '--live', 'aws'],
      ]) {
        const r = await runCli([...args, '--endpoint', proxy.url], env());
        expect(r.code, r.stderr).toBe(0);
      }
      // Every call seen on the wire, as service:Operation (the service of its signing scope),
      // named as the IAM action that authorizes it: S3's ListBuckets is s3:ListAllMyBuckets.
      const ACTION_OF: Record<string, string> = { 's3:ListBuckets': 's3:ListAllMyBuckets' };
      const called = [...proxy.actions()].map((a) => ACTION_OF[a] ?? a);
      // IAM, STS, Secrets Manager, every data store service that moto emulates, and the configurations.
      for (const prefix of [
        'iam:',
        'sts:',
        'secretsmanager:',
        's3:',
        'dynamodb:',
        'rds:',
        'kms:',
        'healthlake:',
        'lambda:',
        'ecs:',
        'ssm:',
        'ec2:',
        'autoscaling:',
        'batch:',
      ]) {
        expect(
          called.some((a) => a.startsWith(prefix)),
          prefix,
        ).toBe(true);
      }
      for (const perElement of [
        's3:GetBucketLocation',
        's3:GetBucketTagging',
        'ecs:DescribeTaskDefinition',
        'ssm:GetParameters',
        'ec2:DescribeInstanceAttribute',
        'kms:GetKeyRotationStatus',
        'kms:GetKeyPolicy',
      ])
        expect(called, perElement).toContain(perElement);
      for (const action of called) expect(SCANNER_ACTIONS as readonly string[], `${action} is not a ScannerRole action`).toContain(action);
      expect(proxy.calls('GetSecretValue')).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});

describe('a live secret value never leaves', () => {
  let snapshot: string;
  const outs = path.join(dir, 'live-out');

  beforeAll(async () => {
    snapshot = path.join(outs, 'snapshot.json');
    const r = await runCli(['snapshot', '--live', 'aws', '--endpoint', moto.url, '--output', snapshot], env());
    expect(r.code, r.stderr).toBe(0);
  });

  const expectNoSecret = (where: string, text: string) => expect(text.includes(SEEDED_CANARY), `${where} holds the live secret`).toBe(false);

  it('the seeded account really holds the secret value (read back through moto)', async () => {
    const { GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const sm = new SecretsManagerClient({ region: REGION, endpoint: moto.url });
    const list = await sm.send(new ListSecretsCommand({}));
    const values = await Promise.allSettled(
      (list.SecretList ?? []).map((s) => sm.send(new GetSecretValueCommand({ SecretId: s.ARN! })).then((v) => v.SecretString ?? '')),
    );
    sm.destroy();
    expect(values.map((v) => (v.status === 'fulfilled' ? v.value : '')).join('\n')).toContain(SEEDED_CANARY);
    expect(check('inventory', JSON.parse(readFileSync(snapshot, 'utf8')))).toBeNull();
    expectNoSecret('snapshot', readFileSync(snapshot, 'utf8'));
  });

  it.each(FORMATS)(
    'check --live and --snapshot, drift: --format %s',
    async (format) => {
      const runs: Array<[string, string[]]> = [
        [
          'check --live',
          ['check', '--live', 'aws', '--endpoint', moto.url, '--format', format, '--fail-on', 'none', '--output', path.join(outs, `live.${format}`)],
        ],
        ['check --snapshot', ['check', '--snapshot', snapshot, '--format', format, '--fail-on', 'none']],
        [
          'drift',
          [
            'drift',
            '--declared-plan',
            ESTATE_PLAN,
            '--snapshot',
            snapshot,
            '--format',
            format,
            '--fail-on',
            'none',
            '--output',
            path.join(outs, `drift.${format}`),
          ],
        ],
      ];
      for (const [name, args] of runs) {
        const r = await runCli(args, env());
        expect([0, 3], `${name}: ${r.stderr}`).toContain(r.code);
        expectNoSecret(`${name} stdout`, r.stdout);
        expectNoSecret(`${name} stderr`, r.stderr);
      }
    },
    120_000,
  );

  it('inventory --live in both formats, and every file written', async () => {
    for (const format of ['text', 'json']) {
      const r = await runCli(['inventory', '--live', 'aws', '--endpoint', moto.url, '--format', format], env());
      expect(r.code, r.stderr).toBe(0);
      expectNoSecret(`inventory ${format}`, r.stdout + r.stderr);
    }
    const files = readdirSync(outs);
    expect(files.length).toBeGreaterThan(FORMATS.length);
    for (const f of files) expectNoSecret(f, readFileSync(path.join(outs, f), 'utf8'));
  }, 120_000);
});
