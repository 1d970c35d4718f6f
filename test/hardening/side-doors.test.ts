/**
 * Secrets through side doors: the keys of a tags map marked sensitive in a plan's resource_drift
 * never reach a report (only "tags" changed), and an output marked sensitive is never read as a
 * waiver (its text is never printed, it waives nothing).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../reports/index.js';
import { waiversFromOutputs } from '../../checks/loaders/waiverOutputs.js';
import { runCli } from '../support/cli.js';
import { canary } from '../support/hostile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-side-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = ['--now', '2026-11-22T00:00:00Z'];
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('side doors', () => {
  it('tag keys of a sensitive tags map in resource_drift appear in no format; the change is still named as tags', async () => {
    const key = canary('drift-tag-key');
    const waiverText = canary('sensitive-output');
    const values = { name: 'r', assume_role_policy: TRUST, tags: { owner: 'o' } };
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: { resources: [{ address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', values, sensitive_values: { tags: true } }] },
        outputs: {
          w: { sensitive: true, value: { nhiGuardWaiver: { ruleId: 'NHI-OWN-002', resource: '*', owner: 'o', reason: waiverText, expiresOn: '2026-12-01' } } },
        },
      },
      resource_drift: [
        {
          address: 'aws_iam_role.r',
          mode: 'managed',
          type: 'aws_iam_role',
          name: 'r',
          change: {
            actions: ['update'],
            before: { ...values, tags: { owner: 'o' } },
            after: { ...values, tags: { owner: 'o', [key]: 'x' } },
            before_sensitive: { tags: true },
            after_sensitive: { tags: { [key]: true } },
          },
        },
      ],
      resource_changes: [
        {
          address: 'aws_iam_role.r',
          mode: 'managed',
          type: 'aws_iam_role',
          name: 'r',
          change: { actions: ['update'], before: values, after: values, after_unknown: {}, after_sensitive: { tags: true } },
        },
      ],
    };
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    const inv = await runCli(['inventory', '--plan', file, '--format', 'json', ...NOW]);
    expect(inv.code).toBe(0);
    expect(inv.stdout).toContain('"tags"');
    for (const format of [...FORMATS]) {
      for (const cmd of [
        ['check', '--plan', file, '--fail-on', 'none'],
        ['inventory', '--plan', file],
      ]) {
        if (cmd[0] === 'inventory' && !['text', 'json', 'markdown'].includes(format)) continue;
        const r = await runCli([...cmd, '--format', format, ...NOW]);
        expect(r.stdout + r.stderr, `${cmd[0]} ${format}`).not.toContain(key);
        expect(r.stdout + r.stderr, `${cmd[0]} ${format}`).not.toContain(waiverText);
      }
    }
  });

  it('an output marked sensitive is not a waiver; the same output unmarked is', () => {
    const w = { nhiGuardWaiver: { ruleId: 'NHI-OWN-002', resource: '*', owner: 'o', reason: 'reason text', expiresOn: '2026-12-01' } };
    expect(waiversFromOutputs({ a: { sensitive: true, value: w } }, { source: 'plan' })).toEqual([]);
    expect(waiversFromOutputs({ a: { sensitive: false, value: w } }, { source: 'plan' })).toHaveLength(1);
  });
});
