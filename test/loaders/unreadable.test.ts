/**
 * Never a silent pass on an unreadable document (SECURITY.md, "Bounded input"): a policy whose
 * text is not valid JSON, or which holds more statements than nhi-guard judges, is NHI-UNK-002 at
 * critical in the real state fixture (test/fixtures/state/rules-show.json, edited), and fails the
 * gate; the same state unedited has no such finding.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const STATE = path.resolve('test/fixtures/state/rules-show.json');

interface Resource {
  address: string;
  values: Record<string, unknown>;
}

function edited(edit: (byAddress: Map<string, Resource>) => void): string {
  const doc = JSON.parse(readFileSync(STATE, 'utf8')) as { values: { root_module: { resources: Resource[] } } };
  edit(new Map(doc.values.root_module.resources.map((r) => [r.address, r])));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'nhi-unreadable-')), 'state.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

async function unk002(file: string): Promise<{ code: number; found: Array<{ severity: string; address?: string; message: string }> }> {
  const r = await runCli(['check', '--state', file, '--format', 'json', '--fail-on', 'critical', '--now', '2026-11-22']);
  expect(r.stderr).toBe('');
  const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; severity: string; message: string; resource: { address?: string } }> };
  return {
    code: r.code,
    found: doc.findings.filter((f) => f.ruleId === 'NHI-UNK-002').map((f) => ({ severity: f.severity, address: f.resource.address, message: f.message })),
  };
}

describe('a document that cannot be judged', () => {
  it('is a critical finding when it is not valid JSON or too large, and fails the gate', async () => {
    const file = edited((m) => {
      m.get('aws_iam_role_policy.lp["lp001-good"]')!.values.policy = '{"Version": "2012-10-17", "Statement": [';
      const many = Array.from({ length: 10_001 }, () => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/*' }));
      m.get('aws_iam_role_policy.lp["lp003-good"]')!.values.policy = JSON.stringify({ Version: '2012-10-17', Statement: many });
    });
    const { code, found } = await unk002(file);
    expect(found.map((f) => [f.severity, f.address]).sort()).toEqual([
      ['critical', 'aws_iam_role_policy.lp["lp001-good"]'],
      ['critical', 'aws_iam_role_policy.lp["lp003-good"]'],
    ]);
    expect(found.find((f) => f.address?.includes('lp001'))!.message).toContain('not valid JSON');
    expect(found.find((f) => f.address?.includes('lp003'))!.message).toContain('has 10001 statements, more than the 1000 nhi-guard judges');
    expect(code).toBe(1);
  });

  it('is not reported for the documents of the unedited state', async () => {
    expect((await unk002(STATE)).found).toEqual([]);
  });
});
