/**
 * The JSON configuration beside a plan (checks/loaders/tfJsonConfig.ts): cdktf's cdk.tf.json gives
 * the unknown items of a policy document data source their templates, which the plan states only
 * as references; what does not line up one for one keeps its references.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyJsonTemplates } from '../../checks/loaders/tfJsonConfig.js';
import { Unresolved, type ResourceRecord, type Value } from '../../checks/loaders/values.js';

const ref = () => new Unresolved(['aws_s3_bucket.Results'], 'depends on aws_s3_bucket.Results');
const doc = (statement: Value): ResourceRecord => ({
  mode: 'data',
  type: 'aws_iam_policy_document',
  address: 'data.aws_iam_policy_document.Read',
  values: { statement },
  change: 'read',
  origin: { source: 'plan', address: 'data.aws_iam_policy_document.Read' },
});
function folder(config: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-tfjson-'));
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config));
  return dir;
}
const written = {
  data: {
    aws_iam_policy_document: {
      Read: {
        statement: [
          {
            actions: ['s3:GetObject'],
            resources: ['arn:aws:s3:::stmary-logs/*', '${aws_s3_bucket.Results.arn}', '${aws_s3_bucket.Results.arn}/*'],
            condition: [
              { test: 'StringEquals', variable: 'aws:SourceVpce', values: ['vpce-1'] },
              { test: 'ArnLike', variable: 'aws:SourceArn', values: ['${aws_s3_bucket.Results.arn}/inbox/*'] },
            ],
          },
        ],
      },
    },
  },
};
const texts = (v: Value | undefined) => (Array.isArray(v) ? v.map((x) => (x instanceof Unresolved ? (x.text ?? `refs:${x.refs.join(',')}`) : x)) : v);

describe('templates from the JSON configuration beside a plan', () => {
  it('gives each unknown Resource and Condition value its template as written', () => {
    // The plan: the known entry, two unknown ones (in any order: a set), the condition blocks in another order.
    const r = doc([
      {
        actions: ['s3:GetObject'],
        resources: [ref(), 'arn:aws:s3:::stmary-logs/*', ref()],
        condition: [
          { test: 'ArnLike', variable: 'aws:SourceArn', values: [ref()] },
          { test: 'StringEquals', variable: 'aws:SourceVpce', values: ['vpce-1'] },
        ],
      },
    ]);
    applyJsonTemplates([r], folder(written));
    const st = (r.values.statement as Array<Record<string, Value>>)[0]!;
    expect(texts(st.resources)).toEqual(['${aws_s3_bucket.Results.arn}', 'arn:aws:s3:::stmary-logs/*', '${aws_s3_bucket.Results.arn}/*']);
    expect(texts((st.condition as Array<Record<string, Value>>)[0]!.values)).toEqual(['${aws_s3_bucket.Results.arn}/inbox/*']);
  });

  it('keeps the references where the configuration does not line up, or without a configuration', () => {
    const r = doc([{ actions: ['s3:GetObject'], resources: [ref()] }]);
    applyJsonTemplates([r], folder(written));
    expect(texts((r.values.statement as Array<Record<string, Value>>)[0]!.resources)).toEqual(['refs:aws_s3_bucket.Results']);
    const none = doc([{ actions: ['s3:GetObject'], resources: [ref(), 'arn:aws:s3:::stmary-logs/*', ref()] }]);
    applyJsonTemplates([none], mkdtempSync(path.join(os.tmpdir(), 'nhi-tfjson-none-')));
    expect(texts((none.values.statement as Array<Record<string, Value>>)[0]!.resources)).toEqual([
      'refs:aws_s3_bucket.Results',
      'arn:aws:s3:::stmary-logs/*',
      'refs:aws_s3_bucket.Results',
    ]);
  });
});
