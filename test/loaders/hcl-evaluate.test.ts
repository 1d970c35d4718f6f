/**
 * The HCL evaluator on configuration snippets (the plan's facts given by hand): what the
 * expressions of policy documents evaluate to, placeholders for references the plan does not
 * know, opaque values where the structure is unknown, and the constants of NHI-ROT-007.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TfConfiguration } from '../../checks/loaders/hcl/configuration.js';
import { isOpaque } from '../../checks/loaders/hcl/evaluate.js';
import { documentFromConfiguration } from '../../checks/loaders/policyDocument.js';
import { isUnresolved, type Value } from '../../checks/loaders/values.js';

let configs: TfConfiguration[] = [];
afterEach(() => {
  for (const c of configs) c.dispose();
  configs = [];
});

async function configure(
  files: Record<string, string>,
  known: Record<string, Record<string, Value>> = {},
  variables: Record<string, Value> = {},
): Promise<TfConfiguration> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-hcl-eval-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const cfg = await TfConfiguration.load(dir, undefined, {
    variables: new Map(Object.entries(variables)),
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

/** The text (with placeholders) of a value: a string, or an Unresolved's text. */
const textOf = (v: Value | undefined) => (typeof v === 'string' ? v : isUnresolved(v) ? v.text : undefined);

describe('HCL expressions of policy documents', () => {
  it('jsonencode over a reference the plan does not know keeps a placeholder naming the resource', async () => {
    const cfg = await configure({
      'main.tf': `resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "\${aws_s3_bucket.derm_images.arn}/*" }]
  })
}`,
    });
    const v = cfg.evaluate('aws_iam_policy.p', ['policy']);
    expect(isUnresolved(v) && v.refs).toEqual(['aws_s3_bucket.derm_images.arn']);
    expect(JSON.parse(textOf(v)!)).toEqual({
      Statement: [{ Action: '*', Effect: 'Allow', Resource: '${aws_s3_bucket.derm_images.arn}/*' }],
      Version: '2012-10-17',
    });
    // Terraform's key order: sorted.
    expect(textOf(v)!.startsWith('{"Statement":[{"Action":"*","Effect":"Allow"')).toBe(true);
  });

  it('takes the values the plan knows, locals, variables, merge, for, conditionals and heredocs', async () => {
    const cfg = await configure(
      {
        'main.tf': `variable "env" {}
variable "buckets" { default = ["a", "b"] }
locals {
  base  = { Effect = "Allow" }
  names = [for b in var.buckets : "arn:aws:s3:::\${b}-\${var.env}/*" if b != "b"]
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Statement = [merge(local.base, {
      Action   = var.env == "prod" ? ["s3:GetObject"] : ["s3:*"]
      Resource = concat(local.names, [aws_s3_bucket.old.arn])
      Sid      = <<-EOT
        Line \${upper("one")}
          two $\${aws:username}
        EOT
    })]
  })
}`,
      },
      { 'aws_s3_bucket.old': { arn: 'arn:aws:s3:::old' } },
      { env: 'prod' },
    );
    const v = cfg.evaluate('aws_iam_policy.p', ['policy']);
    expect(typeof v).toBe('string');
    expect(JSON.parse(v as string)).toEqual({
      Statement: [
        { Action: ['s3:GetObject'], Effect: 'Allow', Resource: ['arn:aws:s3:::a-prod/*', 'arn:aws:s3:::old'], Sid: 'Line ONE\n  two ${aws:username}\n' },
      ],
    });
  });

  it('quoted strings unescape, and a module instance sees its own variables and prefix', async () => {
    const cfg = await configure({
      'main.tf': `module "feed" {
  source   = "./modules/feed"
  for_each = { lab = "x" }
  label    = "\${each.key}-\\"q\\"\\u00e9"
}`,
      'modules/feed/main.tf': `variable "label" {}
resource "aws_iam_role_policy" "r" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = aws_s3_bucket.b.arn, Sid = var.label }] })
}`,
    });
    const v = cfg.evaluate('module.feed["lab"].aws_iam_role_policy.r', ['policy']);
    expect(JSON.parse(textOf(v)!).Statement[0]).toEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: '${module.feed["lab"].aws_s3_bucket.b.arn}',
      Sid: 'lab-"q"é',
    });
    expect(cfg.where('module.feed["lab"].aws_iam_role_policy.r')).toMatchObject({ line: 2, endLine: 4 });
  });

  it('a function not evaluated, or an unread template file, is opaque', async () => {
    const cfg = await configure({
      'main.tf': `resource "aws_iam_policy" "a" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = substr(aws_s3_bucket.b.arn, 0, 3), Resource = "*" }] })
}
resource "aws_iam_policy" "b" {
  policy = templatefile("\${path.module}/missing.tpl", {})
}`,
    });
    expect(isOpaque(cfg.evaluate('aws_iam_policy.a', ['policy']))).toBe(true);
    expect(isOpaque(cfg.evaluate('aws_iam_policy.b', ['policy']))).toBe(true);
  });

  it('secret_string constants: literals and jsonencode of constants are, variables and references are not', async () => {
    const cfg = await configure({
      'main.tf': `variable "pw" { default = "x" }
locals { user = "svc" }
resource "aws_secretsmanager_secret_version" "a" { secret_string = jsonencode({ user = local.user, password = "p" }) }
resource "aws_secretsmanager_secret_version" "b" { secret_string = jsonencode({ user = local.user, password = var.pw }) }
resource "aws_secretsmanager_secret_version" "c" { secret_string = random_password.p.result }
resource "aws_secretsmanager_secret_version" "d" {
  for_each      = { k = "v" }
  secret_string = each.value
}`,
    });
    expect(cfg.isConstant('aws_secretsmanager_secret_version.a', 'secret_string')).toBe(true);
    expect(cfg.isConstant('aws_secretsmanager_secret_version.b', 'secret_string')).toBe(false);
    expect(cfg.isConstant('aws_secretsmanager_secret_version.c', 'secret_string')).toBe(false);
    expect(cfg.isConstant('aws_secretsmanager_secret_version.d["k"]', 'secret_string')).toBe(true);
  });
});

describe('documents with placeholders', () => {
  it('are judged when placeholders stand for resources, principals or condition values', () => {
    const d = documentFromConfiguration(
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '${aws_s3_bucket.b.arn}/*',
            Principal: { AWS: '${aws_iam_role.r.arn}' },
            Condition: { StringEquals: { 'aws:SourceArn': '${aws_sqs_queue.q.arn}' } },
          },
        ],
      }),
    );
    expect(d.known).toBe(true);
    expect(d.document!.statements[0]!.actions).toEqual(['iam:*']);
  });

  it('are unknown when Effect, Action, NotAction or the statement list is a placeholder', () => {
    for (const st of [
      { Effect: '${aws_x.y.e}', Action: 's3:GetObject' },
      { Effect: 'Allow', Action: ['s3:GetObject', '${aws_x.y.a}'] },
      { Effect: 'Allow', NotAction: '${aws_x.y.a}' },
    ]) {
      const d = documentFromConfiguration(JSON.stringify({ Statement: [st] }));
      expect(d).toMatchObject({ known: false });
      expect(d.reason).toMatch(/known only after apply \(depends on aws_x\.y\./);
    }
    expect(documentFromConfiguration(JSON.stringify({ Statement: '${aws_x.y.list}' })).known).toBe(false);
  });
});
