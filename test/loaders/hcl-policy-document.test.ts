/**
 * `data "aws_iam_policy_document"` rendered from the configuration when the plan reads it only at
 * apply (statement, principals and condition blocks, dynamic blocks, source and override
 * documents merged by Sid), and IAM policy variables (`${aws:username}`, `$${...}` in HCL and
 * cdk.tf.json) told from terraform interpolations: the first are text of the document, the second
 * placeholders or unknown.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TfConfiguration } from '../../checks/loaders/hcl/configuration.js';
import { isOpaque } from '../../checks/loaders/hcl/evaluate.js';
import { documentFromConfiguration, documentFromDataSource, documentFromText } from '../../checks/loaders/policyDocument.js';
import { resolveReferences } from '../../checks/loaders/synth.js';
import { isUnresolved, Unresolved, type ResourceRecord, type Value } from '../../checks/loaders/values.js';
import { arnReaches, policyVariablesAsWildcards, targetsOfEntry } from '../../checks/enrich/targets.js';
import type { DataStore } from '../../checks/model.js';

let configs: TfConfiguration[] = [];
afterEach(() => {
  for (const c of configs) c.dispose();
  configs = [];
});

async function configure(files: Record<string, string>, known: Record<string, Record<string, Value>> = {}): Promise<TfConfiguration> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-hcl-doc-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const cfg = await TfConfiguration.load(dir, undefined, {
    variables: new Map(),
    known: (address, attrs) => {
      let v: Value | undefined = known[address];
      for (const a of attrs) v = v && typeof v === 'object' && !Array.isArray(v) && !isUnresolved(v) ? v[String(a)] : undefined;
      return v;
    },
  });
  if (!cfg) throw new Error('no configuration');
  configs.push(cfg);
  return cfg;
}

const textOf = (v: Value | undefined) => (typeof v === 'string' ? v : isUnresolved(v) ? v.text : undefined);
const json = (v: Value | undefined) => JSON.parse(textOf(v)!) as { Version: string; Statement: Array<Record<string, unknown>> };

describe('aws_iam_policy_document from the configuration', () => {
  it('renders statements over references as the provider does, with placeholders naming the resources', async () => {
    const cfg = await configure({
      'main.tf': `data "aws_iam_policy_document" "d" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.phi.arn}/*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:DeleteObject", "s3:PutObject"]
    resources = [aws_s3_bucket.phi.arn]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.r.arn]
    }
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [aws_sqs_queue.q.arn]
    }
  }
}
resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }
resource "aws_iam_policy" "m" { policy = data.aws_iam_policy_document.d.minified_json }`,
    });
    const v = cfg.evaluate('aws_iam_policy.p', ['policy']);
    expect(isUnresolved(v) && v.refs).toEqual(['aws_s3_bucket.phi.arn', 'aws_iam_role.r.arn', 'aws_sqs_queue.q.arn']);
    expect(json(v)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.phi.arn}/*' },
        {
          Effect: 'Deny',
          Action: ['s3:DeleteObject', 's3:PutObject'],
          Resource: '${aws_s3_bucket.phi.arn}',
          Principal: { AWS: '${aws_iam_role.r.arn}', Service: 'lambda.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceArn': '${aws_sqs_queue.q.arn}' } },
        },
      ],
    });
    expect(textOf(cfg.evaluate('aws_iam_policy.m', ['policy']))).toBe(textOf(v));
    const d = documentFromConfiguration(textOf(v)!);
    expect(d.known).toBe(true);
    expect(d.document!.statements.map((s) => s.actions)).toEqual([['s3:getobject'], ['s3:deleteobject', 's3:putobject']]);
  });

  it('takes the values the plan knows, and gives a plain string when it knows them all', async () => {
    const cfg = await configure(
      {
        'main.tf': `data "aws_iam_policy_document" "d" {
  version = "2012-10-17"
  statement {
    actions   = ["*"]
    resources = [aws_s3_bucket.old.arn]
  }
}
resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }`,
      },
      { 'aws_s3_bucket.old': { arn: 'arn:aws:s3:::old' } },
    );
    const v = cfg.evaluate('aws_iam_policy.p', ['policy']);
    expect(typeof v).toBe('string');
    expect(json(v).Statement).toEqual([{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::old' }]);
  });

  it('expands dynamic blocks over a known collection, with the iterator and nested dynamic blocks', async () => {
    const cfg = await configure({
      'main.tf': `locals {
  grants = { read = ["s3:GetObject"], admin = ["iam:*"] }
}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = local.grants
    iterator = g
    content {
      sid       = g.key
      actions   = g.value
      resources = g.key == "admin" ? ["*"] : ["\${aws_s3_bucket.b.arn}/*"]
      dynamic "condition" {
        for_each = g.key == "read" ? ["x"] : []
        content {
          test     = "Bool"
          variable = "aws:SecureTransport"
          values   = ["true"]
        }
      }
    }
  }
}
resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }`,
    });
    expect(json(cfg.evaluate('aws_iam_policy.p', ['policy'])).Statement).toEqual([
      { Sid: 'read', Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.b.arn}/*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      { Sid: 'admin', Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
  });

  it('merges source documents first and override documents last by Sid, as the provider does', async () => {
    const cfg = await configure({
      'main.tf': `data "aws_iam_policy_document" "base" {
  statement {
    sid       = "List"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.b.arn]
  }
  statement {
    sid       = "Write"
    actions   = ["s3:PutObject"]
    resources = ["\${aws_s3_bucket.b.arn}/*"]
  }
}
data "aws_iam_policy_document" "over" {
  statement {
    sid       = "Write"
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.over.json]
  statement {
    sid       = "List"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.b.arn]
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.k.arn]
  }
}
resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }`,
    });
    const v = cfg.evaluate('aws_iam_policy.p', ['policy']);
    expect(json(v).Statement).toEqual([
      { Sid: 'List', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: '${aws_s3_bucket.b.arn}' },
      { Sid: 'Write', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '${aws_kms_key.k.arn}' },
    ]);
    expect(isUnresolved(v) && v.refs).toEqual(['aws_s3_bucket.b.arn', 'aws_kms_key.k.arn']);
  });

  it('renders a data source of a module instance with its variables and each', async () => {
    const cfg = await configure({
      'main.tf': `module "svc" {
  source   = "./modules/svc"
  for_each = { results = aws_dynamodb_table.results.arn }
  target   = each.value
}`,
      'modules/svc/main.tf': `variable "target" {}
data "aws_iam_policy_document" "this" {
  statement {
    actions   = ["dynamodb:GetItem"]
    resources = [var.target, "\${var.target}/index/*"]
  }
}
resource "aws_iam_role_policy" "this" { policy = data.aws_iam_policy_document.this.json }`,
    });
    const v = cfg.evaluate('module.svc["results"].aws_iam_role_policy.this', ['policy']);
    expect(json(v).Statement[0]!.Resource).toEqual(['${aws_dynamodb_table.results.arn}', '${aws_dynamodb_table.results.arn}/index/*']);
  });

  it('is opaque when its structure is known only after apply', async () => {
    const cfg = await configure({
      'main.tf': `data "aws_iam_policy_document" "dyn" {
  dynamic "statement" {
    for_each = aws_s3_bucket.b.tags
    content {
      actions   = ["s3:GetObject"]
      resources = ["*"]
    }
  }
}
data "aws_iam_policy_document" "src" {
  source_policy_documents = [aws_ssm_parameter.p.value]
}
data "aws_iam_policy_document" "ptype" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = aws_s3_bucket.b.id
      identifiers = ["*"]
    }
  }
}
data "aws_iam_policy_document" "loop" {
  source_policy_documents = [data.aws_iam_policy_document.loop.json]
}
resource "aws_iam_policy" "dyn" { policy = data.aws_iam_policy_document.dyn.json }
resource "aws_iam_policy" "src" { policy = data.aws_iam_policy_document.src.json }
resource "aws_iam_policy" "ptype" { policy = data.aws_iam_policy_document.ptype.json }
resource "aws_iam_policy" "loop" { policy = data.aws_iam_policy_document.loop.json }`,
    });
    for (const p of ['dyn', 'src', 'ptype', 'loop']) expect(isOpaque(cfg.evaluate(`aws_iam_policy.${p}`, ['policy'])), p).toBe(true);
  });

  it('an Action from a reference leaves the document unknown to the rules (NHI-UNK-001)', async () => {
    const cfg = await configure({
      'main.tf': `data "aws_iam_policy_document" "d" {
  statement {
    actions   = [aws_ssm_parameter.action.insecure_value]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" { policy = data.aws_iam_policy_document.d.json }`,
    });
    const d = documentFromConfiguration(textOf(cfg.evaluate('aws_iam_policy.p', ['policy']))!);
    expect(d).toMatchObject({ known: false });
    expect(d.reason).toMatch(/Statement\[0\]\.Action is known only after apply/);
  });
});

describe('aws_iam_policy_document from the plan or synth values (no configuration)', () => {
  const stmt = (sid: string, actions: string[]) => ({ sid, actions, resources: ['*'] });
  it('merges known source and override documents by Sid', () => {
    const src = JSON.stringify({
      Statement: [
        { Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Sid: 'B', Effect: 'Allow', Action: 'iam:*', Resource: '*' },
      ],
    });
    const over = JSON.stringify({ Statement: [{ Sid: 'B', Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] });
    const d = documentFromDataSource({
      source_policy_documents: [src],
      override_policy_documents: [over],
      statement: [stmt('A', ['s3:ListBucket']), stmt('', ['kms:Decrypt'])],
    });
    expect(d.known).toBe(true);
    expect(d.document!.statements.map((s) => [s.sid ?? '', s.actions])).toEqual([
      ['A', ['s3:listbucket']],
      ['B', ['iam:getrole']],
      ['', ['kms:decrypt']],
    ]);
  });

  it('is unknown, never judged on its own statements alone, when a source or override document is known only after apply', () => {
    const later = new Unresolved(['data.aws_iam_policy_document.base.json'], 'known after apply');
    const cases: Array<Record<string, Value>> = [{ source_policy_documents: [later] }, { override_policy_documents: later }, { source_json: later }];
    for (const v of cases) {
      const d = documentFromDataSource({ ...v, statement: [stmt('X', ['s3:GetObject'])] });
      expect(d.known).toBe(false);
      expect(d.reason).toMatch(/known only after apply/);
    }
  });
});

describe('IAM policy variables are text of the document, terraform interpolations are not', () => {
  it('a rendered document (plan, state, live) with ${aws:username} or ${aws:PrincipalTag/...} is judged', () => {
    const d = documentFromText(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' },
          { Effect: 'Allow', Action: 'iam:*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/${*}/${?}/${$}' },
        ],
      }),
    );
    expect(d.known).toBe(true);
    expect(d.document!.statements.map((s) => s.actions)).toEqual([['s3:*'], ['iam:*'], ['s3:getobject']]);
    expect(d.document!.statements[1]!.conditions[0]!.values).toEqual(['${aws:PrincipalTag/team}']);
  });

  it('a document still holding a terraform interpolation is unknown', () => {
    const d = documentFromText(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '${aws_s3_bucket.b.arn}' }] }));
    expect(d).toEqual({ known: false, reason: 'policy document contains an unresolved interpolation' });
  });

  it('HCL: $${aws:username} is the literal variable, ${aws_s3_bucket.b.arn} a placeholder, in the same string', async () => {
    const cfg = await configure({
      'main.tf': `data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["\${aws_s3_bucket.b.arn}/home/$\${aws:username}/*"]
  }
}
resource "aws_iam_user_policy" "a" { policy = data.aws_iam_policy_document.d.json }
resource "aws_iam_user_policy" "b" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "\${aws_s3_bucket.b.arn}/$\${aws:PrincipalTag/team}/*" }]
  })
}`,
    });
    const a = cfg.evaluate('aws_iam_user_policy.a', ['policy']);
    expect(isUnresolved(a) && a.refs).toEqual(['aws_s3_bucket.b.arn']);
    expect(json(a).Statement[0]!.Resource).toBe('${aws_s3_bucket.b.arn}/home/${aws:username}/*');
    const b = cfg.evaluate('aws_iam_user_policy.b', ['policy']);
    expect(isUnresolved(b) && b.refs).toEqual(['aws_s3_bucket.b.arn']);
    for (const v of [a, b]) {
      const d = documentFromConfiguration(textOf(v)!);
      expect(d.known).toBe(true);
    }
  });

  it('cdk.tf.json: $${aws:username} unescapes to the variable and the string stays literal; ${ref} stays a reference', () => {
    const rec = (address: string, values: Record<string, Value>): ResourceRecord => ({
      mode: 'managed',
      type: address.split('.')[0]!,
      address,
      values,
      change: 'create',
      origin: { source: 'synth', address },
    });
    const records = [
      rec('aws_s3_bucket.b', { bucket: 'phi-b' }),
      rec('aws_iam_policy.p', {
        policy: '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws_s3_bucket.b.bucket}/$${aws:username}/*"}]}',
      }),
      rec('aws_iam_policy.q', { policy: '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"${aws_s3_bucket.c.arn}/$${aws:username}"}]}' }),
    ];
    resolveReferences(records);
    expect(records[1]!.values.policy).toBe('{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::phi-b/${aws:username}/*"}]}');
    expect(documentFromText(records[1]!.values.policy as string).known).toBe(true);
    const q = records[2]!.values.policy;
    expect(isUnresolved(q) && [q.refs, q.text]).toEqual([
      ['aws_s3_bucket.c.arn'],
      '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"${aws_s3_bucket.c.arn}/${aws:username}"}]}',
    ]);
  });

  it('for what an entry reaches, a variable stands for any value; a reference keeps naming its resource', () => {
    expect(policyVariablesAsWildcards('arn:aws:s3:::${aws:PrincipalTag/bucket}/${aws:username}/${$}x')).toBe('arn:aws:s3:::*/*/$x');
    expect(policyVariablesAsWildcards('${aws_s3_bucket.b.arn}/${aws:username}')).toBe('${aws_s3_bucket.b.arn}/*');
    const bucket = { partition: 'aws', service: 's3', region: '', account: '', resource: 'phi-b' };
    expect(arnReaches(policyVariablesAsWildcards('arn:aws:s3:::${aws:PrincipalTag/bucket}/*'), bucket)).toBe(true);
    const store = (name: string, address: string): DataStore => ({
      id: address,
      kind: 's3',
      name,
      tags: {},
      change: 'create',
      origin: { source: 'state', address },
    });
    const stores = [store('phi-b', 'aws_s3_bucket.b'), store('other', 'aws_s3_bucket.o')];
    const from = { source: 'state' as const, address: 'aws_iam_policy.p' };
    expect(targetsOfEntry('arn:aws:s3:::phi-b/home/${aws:username}/*', from, stores)).toEqual(['aws_s3_bucket.b']);
    expect(targetsOfEntry('arn:aws:s3:::${aws:PrincipalTag/bucket}', from, stores)).toEqual(['aws_s3_bucket.b', 'aws_s3_bucket.o']);
    expect(targetsOfEntry('${aws_s3_bucket.o.arn}/${aws:username}', from, stores)).toEqual(['aws_s3_bucket.o']);
  });
});
