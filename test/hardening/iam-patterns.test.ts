/**
 * Pathological IAM strings: wildcard expansion and resource matching use the linear glob matcher
 * (checks/glob.ts), never a regular expression built from input. Patterns of many stars finish
 * (the old regex backtracked for hours), regex metacharacters are literal characters of an action
 * pattern that matches nothing, and crafted service names read no catalog file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { expandPattern } from '../../checks/enrich/actions.js';
import { Glob, globMatch } from '../../checks/glob.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-iam-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = ['--now', '2026-11-22T00:00:00Z'];

/** Reference semantics: dynamic programming over pattern and text (obviously right, quadratic). */
function reference(p: string, t: string): { full: boolean; prefix: boolean } {
  // reach[i] after reading all of t: pattern position i is reachable.
  let reach = new Array<boolean>(p.length + 1).fill(false);
  reach[0] = true;
  const close = (r: boolean[]) => {
    for (let i = 0; i < p.length; i++) if (r[i] && p[i] === '*') r[i + 1] = true;
    return r;
  };
  reach = close(reach);
  for (const c of t) {
    const next = new Array<boolean>(p.length + 1).fill(false);
    for (let i = 0; i < p.length; i++) {
      if (!reach[i]) continue;
      if (p[i] === '*') next[i] = true;
      else if (p[i] === '?' || p[i] === c) next[i + 1] = true;
    }
    reach = close(next);
  }
  return { full: reach[p.length]!, prefix: reach.some(Boolean) };
}

describe('the glob matcher', () => {
  it('agrees with the reference semantics on random patterns and texts (full and prefix)', () => {
    const ch = fc.constantFrom('a', 'b', '*', '?', '(', '[', '.', '\\');
    const tx = fc.constantFrom('a', 'b', '(', '[', '.', '\\');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 12 }), fc.array(tx, { maxLength: 12 }), (pa, ta) => {
        const p = pa.join('');
        const t = ta.join('');
        const ref = reference(p, t);
        expect(globMatch(p, t, 'full', { ignoreCase: false })).toBe(ref.full);
        expect(globMatch(p, t, 'prefix', { ignoreCase: false })).toBe(ref.prefix);
      }),
      { numRuns: 3000 },
    );
  });

  it('case folds unless told not to', () => {
    expect(new Glob('S3:Get*').full('s3:getobject')).toBe(true);
    expect(new Glob('S3:Get*', { ignoreCase: false }).full('s3:getobject')).toBe(false);
  });

  it('many stars against long texts that almost match finish (the old matchers backtracked or walked every state)', () => {
    const text = 'a'.repeat(4000);
    expect(globMatch('*a'.repeat(1000) + 'b', text, 'full')).toBe(false);
    expect(globMatch('*'.repeat(4000) + 'b', text, 'full')).toBe(false);
    expect(globMatch('a*'.repeat(2000), text, 'full')).toBe(true);
    expect(globMatch('?*'.repeat(2000) + 'b', text, 'prefix')).toBe(true);
  });
});

describe('IAM action expansion', () => {
  it('s3: followed by 30 stars and a letter finishes and matches what the catalog holds', async () => {
    const many = await expandPattern(`s3:${'*'.repeat(30)}a`);
    const one = await expandPattern('s3:*a');
    expect(many.map((a) => a.action)).toEqual(one.map((a) => a.action));
    expect(many.every((a) => a.action.toLowerCase().endsWith('a'))).toBe(true);
  });

  it('regex metacharacters are literal: s3:Get(*, s3:Get[*, s3:Get{Object,Acl}, s3:Get\\* match nothing and never throw', async () => {
    for (const p of ['s3:Get(*', 's3:Get[*', 's3:Get{Object,Acl}', 's3:Get\\*', 's3:Get)*', 's3:+*', 's3:Get.*', 's3:^Get*$', 's3:(?=a)*']) {
      await expect(expandPattern(p)).resolves.toEqual([]);
    }
    // A character class would have matched GetObject: here `[` is a character like any other.
    expect((await expandPattern('s3:Get[O]bject')).length).toBe(0);
    expect((await expandPattern('s3:Get?bject')).map((a) => a.action)).toEqual(['s3:GetObject']);
  });

  it('crafted service names read no catalog file and expand to nothing', async () => {
    for (const p of ['constructor:*', '__proto__:get*', 'toString:*', '../../../package:*', 's3/../iam:*', ':*', 's3:get*:x', 'hasOwnProperty:getobject']) {
      await expect(expandPattern(p)).resolves.toEqual([]);
    }
    expect(await expandPattern('s3:constructor')).toEqual([]);
    expect(await expandPattern('s3:__proto__')).toEqual([]);
  });
});

describe('the CLI on pathological actions', () => {
  const TRUST = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  function state(actions: string[]): string {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
    const file = path.join(dir, `s${Math.random().toString(36).slice(2)}.tfstate`);
    writeFileSync(
      file,
      JSON.stringify({
        version: 4,
        resources: [
          { mode: 'managed', type: 'aws_iam_role', name: 'r', instances: [{ attributes: { name: 'r', assume_role_policy: TRUST } }] },
          { mode: 'managed', type: 'aws_iam_role_policy', name: 'p', instances: [{ attributes: { name: 'p', role: 'r', policy } }] },
        ],
      }),
    );
    return file;
  }

  it('a statement of hostile patterns is judged: no crash, a report, and the real wildcard beside them still found', async () => {
    const file = state([`s3:${'*'.repeat(30)}a`, 's3:Get(*', 's3:Get[*', 'iam:{a', `iam:${'*?'.repeat(200)}`, 'iam:Pass*']);
    const r = await runCli(['check', '--state', file, '--format', 'json', '--fail-on', 'none', ...NOW]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
    expect(doc.findings.map((f) => f.ruleId)).toContain('NHI-LP-005');
  });
});
