/**
 * A lone surrogate (a UTF-16 code unit that is no character) in one string degrades that string
 * or that element, never every rule: the WASM runtime's JSON cannot carry one, and before this
 * fix one such tag made the aggregator and then every rule fail. Through the compiled pack.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../checks/engine/index.js';
import { documentFromJson } from '../../checks/loaders/policyDocument.js';
import { emptyInventory } from '../../checks/model.js';
import { loneSurrogateAt, toWellFormed, wellFormedDeep, wellFormedJson } from '../../checks/unicode.js';
import { runCli } from '../support/cli.js';
import { ESTATE_TFSTATE } from '../support/estate.js';

const LONE = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a\uD800b', '\uDC00\uD800', '\uD83D'];

describe('the unicode helpers', () => {
  it('finds and replaces lone surrogates only, keeping pairs', () => {
    for (const s of LONE) expect(loneSurrogateAt(s)).toBeGreaterThanOrEqual(0);
    expect(loneSurrogateAt('ok 😀 é')).toBe(-1);
    expect(toWellFormed('a\uD800b😀\uDC00')).toBe('a\uFFFDb😀\uFFFD');
    expect(toWellFormed('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
  });

  it('wellFormedJson replaces the escapes JSON.stringify writes, never an escaped backslash before "ud800"', () => {
    const v = { k: 'a\uD800', ['key\uDFFF']: ['x\\ud800', '\\\uDC00', '😀'] };
    const fixed = JSON.parse(wellFormedJson(JSON.stringify(v)));
    expect(fixed).toEqual({ k: 'a\uFFFD', 'key\uFFFD': ['x\\ud800', '\\\uFFFD', '😀'] });
  });

  it('wellFormedDeep fixes strings and keys in place, keeping prototype-free maps', () => {
    const tags = Object.create(null) as Record<string, string>;
    tags['own\uD800er'] = 'team\uDC00';
    const v = wellFormedDeep({ tags, list: ['\uD800', 1, null] });
    expect(Object.getPrototypeOf(v.tags)).toBeNull();
    expect({ ...v.tags }).toEqual({ 'own\uFFFDer': 'team\uFFFD' });
    expect(v.list).toEqual(['\uFFFD', 1, null]);
  });

  it('a policy document entry with a lone surrogate or a private-use character is not judged (NHI-UNK-002), never rewritten', () => {
    for (const action of ['s3:Get\uD800*', 's3:\uE05B*']) {
      const d = documentFromJson(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', action], Resource: '*' }] }));
      expect(d).toMatchObject({
        known: false,
        unreadable: true,
        reason: expect.stringMatching(/holds a (lone surrogate|private-use character), which nhi-guard does not judge/),
      });
    }
    expect(documentFromJson(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/😀' }] })).known).toBe(true);
  });
});

describe('through the compiled pack', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine();
  }, 120_000);

  const input = (name: string, tagKey: string, tagValue: string) =>
    JSON.stringify({
      source: 'synth',
      now: '2026-11-22T00:00:00.000Z',
      waivers: [],
      inventory: {
        ...emptyInventory([]),
        identities: [
          {
            id: 'stack/aws_iam_role.etl',
            kind: 'role',
            name,
            tags: { [tagKey]: tagValue },
            governance: {
              owner: 'integration-platform',
              purpose: 'claims export',
              dataClass: 'phi',
              environment: 'prod',
              identityKind: 'automation',
              expiry: { raw: '2027-03-31', valid: true, daysLeft: 129 },
            },
            policies: [{ policy: 'p' }],
            groups: [],
            change: 'create',
            origin: { source: 'synth' },
          },
        ],
        policies: [
          {
            id: 'p',
            name: 's3all',
            type: 'inline',
            document: { known: true, document: { statements: [{ effect: 'Allow', actions: ['s3:*'], resources: ['*'], conditions: [] }] } },
            change: 'create',
            origin: { source: 'synth' },
          },
        ],
      },
    });

  it.each(LONE)('a lone surrogate (%j) in a name, a tag key and a tag value changes no finding', (lone) => {
    const clean = engine
      .evaluate(input('etl', 'note', 'x'))
      .map((f) => f.ruleId)
      .sort();
    const crafted = engine.evaluate(input(`etl${lone}`, `note${lone}`, `x${lone}`));
    expect(crafted.map((f) => f.ruleId).sort()).toEqual(clean);
    expect(clean).toContain('NHI-LP-002');
    for (const f of crafted) expect(f.message).not.toMatch(/failed on this input/);
  });
});

describe('check on a state file with lone surrogates', () => {
  it('degrades the crafted elements only: the policy holding one is NHI-UNK-002, every other finding stays', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-surrogate-'));
    const state = JSON.parse(readFileSync(ESTATE_TFSTATE, 'utf8'));
    const attrs = (type: string, name: string) =>
      state.resources.find((r: { type: string; name: string }) => r.type === type && r.name === name).instances[0].attributes;
    attrs('aws_iam_role', 'legacy').tags = { ...attrs('aws_iam_role', 'legacy').tags, 'note\uD800': 'x\uDC00' };
    const audit = attrs('aws_iam_policy', 'audit');
    audit.policy = audit.policy.replace('logs:PutLogEvents', 'logs:Put\uD800LogEvents');
    const crafted = path.join(dir, 'crafted.tfstate');
    // JSON.stringify writes each lone surrogate as a \udXXX escape, as a crafted file would.
    writeFileSync(crafted, JSON.stringify(state));
    const args = ['--format', 'json', '--fail-on', 'none', '--now', '2026-11-22'];
    const before = JSON.parse((await runCli(['check', '--state', ESTATE_TFSTATE, ...args])).stdout);
    const r = await runCli(['check', '--state', crafted, ...args]);
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(r.stdout);
    const key = (f: { ruleId: string; resource: { address?: string } }) => `${f.ruleId} ${f.resource.address}`;
    const unk = after.findings.filter((f: { ruleId: string }) => f.ruleId === 'NHI-UNK-002');
    expect(unk.map((f: { resource: { address?: string } }) => f.resource.address)).toEqual(['aws_iam_policy.audit']);
    expect(after.findings.some((f: { message: string }) => /failed on this input/.test(f.message))).toBe(false);
    // Every finding of the clean run that is not about the audit policy is still there.
    const kept = new Set(after.findings.map(key));
    for (const f of before.findings) if (!JSON.stringify(f).includes('audit')) expect(kept.has(key(f)), key(f)).toBe(true);
    expect(r.stdout).not.toMatch(/\\ud[89a-f]/i);
  }, 120_000);
});
