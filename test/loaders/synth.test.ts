import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../checks/errors.js';
import { loadSynth, loadSynthRecords, resolveReferences } from '../../checks/loaders/synth.js';
import { check } from '../../checks/schemas/index.js';
import { isUnresolved, type ResourceRecord } from '../../checks/loaders/values.js';
import { synthExamples } from '../support/synth.js';

function folder(manifest: unknown, stacks: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-synth-bad-'));
  writeFileSync(path.join(dir, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  for (const [name, body] of Object.entries(stacks)) {
    mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), typeof body === 'string' ? body : JSON.stringify(body));
  }
  return dir;
}

const manifestFor = (...names: string[]) => ({
  version: '0.21.0',
  stacks: Object.fromEntries(names.map((n) => [n, { name: n, synthesizedStackPath: `stacks/${n}/cdk.tf.json` }])),
});

describe('synth loader', () => {
  it('reads every stack of the example app into one valid Inventory', async () => {
    const inv = await loadSynth(synthExamples());
    expect(check('inventory', inv)).toBeNull();
    expect(new Set(inv.inputs.map((i) => path.basename(path.dirname(i.file))))).toContain('legacy-hl7');
    const lab = inv.identities.find((i) => i.name === 'lab-results-exchange')!;
    expect(lab.origin.constructPath).toBe('lab-results-exchange/LabResultsEngine/Role');
    expect(lab.origin.stack).toBe('lab-results-exchange');
    // The trust policy comes from the aws_iam_policy_document data source.
    expect(lab.trust?.known).toBe(true);
    expect(lab.trust?.document?.statements[0]?.principals).toEqual({ service: ['ecs-tasks.amazonaws.com'] });
    expect(lab.trust?.document?.statements[0]?.conditions).toEqual([
      { operator: 'StringEquals', key: 'aws:sourceaccount', writtenKey: 'aws:SourceAccount', values: ['111122223333'] },
    ]);
    // The inline policy is linked to the role through `${aws_iam_role.X.name}` and keeps resource references.
    const linked = lab.policies.map((l) => inv.policies.find((p) => p.id === l.policy)!);
    expect(linked).toHaveLength(1);
    const stmts = linked[0]!.document.document!.statements;
    expect(stmts.flatMap((s) => s.actions)).toEqual(expect.arrayContaining(['s3:putobject', 's3:getobject']));
    expect(stmts[0]!.resources![0]).toMatch(/^\$\{aws_s3_bucket\.[A-Za-z0-9_]+\.arn\}\/\*$/);
    const legacy = inv.identities.find((i) => i.name === 'hl7-interface-engine' && i.kind === 'role')!;
    expect(legacy.tags.owner).toBeUndefined();
    const admin = inv.policies.find((p) => p.name === 'hl7-interface-engine-admin')!;
    expect(legacy.policies.map((l) => l.policy)).toContain(admin.id);
    expect(admin.document.document!.statements[0]!.actions).toEqual(['*']);
  });

  it('resolves references to literal attributes and keeps the others as references', () => {
    const rec = (type: string, name: string, values: Record<string, unknown>): ResourceRecord => ({
      mode: 'managed',
      type,
      address: `${type}.${name}`,
      values: values as never,
      change: 'create',
      origin: { source: 'synth' },
    });
    const rs = [
      rec('aws_iam_role', 'r', { name: 'app' }),
      rec('aws_iam_role_policy', 'p', {
        role: '${aws_iam_role.r.name}',
        name: 'n-${aws_iam_role.r.id}',
        other: '${aws_iam_role.r.arn}',
        loop: '${aws_iam_role_policy.p.loop}',
      }),
    ];
    resolveReferences(rs);
    const v = rs[1]!.values;
    expect(v.role).toBe('app');
    expect(v.name).toBe('n-app');
    expect(isUnresolved(v.other) && v.other.refs).toEqual(['aws_iam_role.r.arn']);
    expect(isUnresolved(v.loop)).toBe(true);
  });

  it.each([
    ['no manifest', () => mkdtempSync(path.join(os.tmpdir(), 'nhi-empty-')), /manifest\.json: does not exist$/],
    ['a truncated manifest', () => folder('{"stacks": {', {}), /manifest\.json: is not valid JSON \(truncated: unexpected end of input\)$/],
    ['a manifest without stacks', () => folder({ version: '0.21.0' }, {}), /manifest\.json: \$\.stacks: must be an object of stacks/],
    [
      'a stack path escaping the folder',
      () => folder({ stacks: { a: { synthesizedStackPath: '../../etc/passwd' } } }, {}),
      /\$\.stacks\.a\.synthesizedStackPath: points outside the synth folder$/,
    ],
    ['a truncated stack', () => folder(manifestFor('a'), { a: '{"resource": {"aws_iam_role": ' }), /cdk\.tf\.json: is not valid JSON/],
    [
      'a resource that is not an object',
      () => folder(manifestFor('a'), { a: { resource: { aws_iam_role: { r: 'nope' } } } }),
      /cdk\.tf\.json: \$\.resource\.aws_iam_role\.r: must be an object$/,
    ],
    ['a binary stack file', () => folder(manifestFor('a'), { a: '\u0000\u0001binary' }), /cdk\.tf\.json: is binary/],
  ])('rejects %s with one line naming the file', async (_n, make, re) => {
    const err = (await loadSynth(make()).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.line()).toMatch(re);
    expect(err.line()).not.toContain('\n');
  });
});

describe('own account from the providers', () => {
  it('is known when every stack pins the same single account, unknown otherwise', async () => {
    const stack = (ids?: string[]) => ({ provider: { aws: [{ region: 'us-east-1', ...(ids ? { allowed_account_ids: ids } : {}) }] }, resource: {} });
    expect((await loadSynth(folder(manifestFor('a', 'b'), { a: stack(['111122223333']), b: stack(['111122223333']) }))).accountId).toBe('111122223333');
    expect((await loadSynth(folder(manifestFor('a', 'b'), { a: stack(['111122223333']), b: stack(['444455556666']) }))).accountId).toBeUndefined();
    expect((await loadSynth(folder(manifestFor('a', 'b'), { a: stack(['111122223333']), b: stack() }))).accountId).toBeUndefined();
  });
});

describe('secret values in synth output', () => {
  it('never enter records or the Inventory; the literal is still known', async () => {
    const canary = 'CANARY-SYNTH-3e5d';
    const dir = folder(manifestFor('a'), {
      a: {
        resource: {
          aws_secretsmanager_secret: { s: { name: 'lab-api' } },
          aws_secretsmanager_secret_version: { v: { secret_id: '${aws_secretsmanager_secret.s.id}', secret_string: canary } },
        },
      },
    });
    const { records } = await loadSynthRecords(dir);
    const version = records.find((r) => r.type === 'aws_secretsmanager_secret_version')!;
    expect(JSON.stringify(version.values)).not.toContain(canary);
    expect([...(version.sensitive ?? [])]).toEqual(['secret_string']);
    const inv = await loadSynth(dir);
    expect(JSON.stringify(inv)).not.toContain(canary);
    expect(inv.credentials[0]!.value).toEqual({ present: true, literal: true });
  });
});

describe('the region of a declared secret', () => {
  it('is the region of the provider configuration it uses (default or alias), or its own region attribute', async () => {
    const dir = folder(manifestFor('feeds'), {
      feeds: {
        provider: { aws: [{ region: 'us-east-1' }, { alias: 'dr', region: 'eu-west-1' }] },
        resource: {
          aws_secretsmanager_secret: {
            home: { name: 'hl7/feed' },
            dr: { name: 'hl7/feed', provider: 'aws.dr' },
            own: { name: 'hl7/other', region: 'ap-southeast-2' },
          },
        },
      },
    });
    const inv = await loadSynth(dir);
    expect(check('inventory', inv)).toBeNull();
    expect(Object.fromEntries(inv.credentials.map((c) => [c.origin.address, c.region]))).toEqual({
      'aws_secretsmanager_secret.home': 'us-east-1',
      'aws_secretsmanager_secret.dr': 'eu-west-1',
      'aws_secretsmanager_secret.own': 'ap-southeast-2',
    });
  });

  it('is unknown when the provider does not write it as a constant', async () => {
    const dir = folder(manifestFor('feeds'), {
      feeds: { provider: { aws: [{ region: '${var.region}' }] }, resource: { aws_secretsmanager_secret: { home: { name: 'hl7/feed' } } } },
    });
    expect((await loadSynth(dir)).credentials[0]!.region).toBeUndefined();
  });
});
