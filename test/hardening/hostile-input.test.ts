/**
 * Hostile and broken input for every loader and option: each ends with exit 2 and ONE stderr line
 * naming the file, the JSON path when there is one, and the problem. No stack trace, no hang, no
 * internal error, and the line is bounded (huge keys and values are cut, never echoed whole).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { ESTATE_PLAN, ESTATE_TFSTATE, FIXTURES } from '../support/estate.js';
import { deepListText, deepObjectText, MARK, withRaw, writeLargeFile } from '../support/hostile.js';

const SHOW = path.join(FIXTURES, 'state', 'estate-show.json');
const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = JSON.parse(readFileSync(ESTATE_PLAN, 'utf8')) as Record<string, unknown>;
const tfstate = JSON.parse(readFileSync(ESTATE_TFSTATE, 'utf8')) as Record<string, unknown>;
const show = JSON.parse(readFileSync(SHOW, 'utf8')) as Record<string, unknown>;
const DEEP = 100_000;

let n = 0;

/** Runs with an environment variable set in this process (the loaders read process.env). */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}
function file(name: string, content: string | Buffer | object): string {
  const f = path.join(dir, `${n++}-${name}`);
  writeFileSync(f, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return f;
}

/** The contract for bad input: exit 2, nothing on stdout, one bounded line naming the file. */
function expectOneLine(r: CliResult, f: string, pattern: RegExp): string {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr.slice(0, 500)).toHaveLength(1);
  const line = lines[0]!;
  expect(line.startsWith(`nhi-guard: ${f}`), line.slice(0, 300)).toBe(true);
  expect(line).not.toMatch(/internal error/);
  expect(line).not.toMatch(/\bat .*\(.*:\d+:\d+\)/); // no stack frame
  expect(line.length).toBeLessThanOrEqual(1100);
  expect(line).toMatch(pattern);
  return line;
}

const inventory = (flag: string, f: string) => runCli(['inventory', flag, f, '--format', 'json', '--now', '2026-11-22']);

describe('plan (--plan): broken files', () => {
  const cases: Array<[string, string | Buffer | object, RegExp]> = [
    ['empty', '', /is empty/],
    ['whitespace only', ' \n\t\n', /is empty/],
    ['truncated', JSON.stringify(plan).slice(0, 5000), /not valid JSON \(truncated/],
    ['binary (gzip)', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]), /binary/],
    ['NUL byte in the text', `{"format_version":"1.2",\u0000"planned_values":{}}`, /binary/],
    [
      'UTF-16 with BOM (PowerShell redirect)',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(plan).slice(0, 200), 'utf16le')]),
      /UTF-16.*UTF-8/,
    ],
    ['null', 'null', /\$: must be a JSON object/],
    ['a string', '"plan"', /\$: must be a JSON object/],
    ['a number', '42', /\$: must be a JSON object/],
    ['a list', [plan], /\$: must be a JSON object/],
    ['another document kind (a findings report)', { schemaVersion: 1, findings: [] }, /\$: is not a terraform plan or state/],
    ['another document kind (cdk.tf.json)', { resource: { aws_iam_role: {} } }, /\$: is not a terraform plan or state/],
    ['format_version 2.0', { ...plan, format_version: '2.0' }, /\$\.format_version: "2\.0" is not supported/],
    ['format_version a number', { ...plan, format_version: 1.2 }, /\$\.format_version: 1\.2 is not supported/],
    ['format_version null', { ...plan, format_version: null }, /\$\.format_version: null is not supported/],
    ['format_version an object', { ...plan, format_version: { major: 1 } }, /\$\.format_version: an object is not supported/],
    ['planned_values a list', { ...plan, planned_values: [] }, /\$\.planned_values: must be an object/],
    ['root_module a string', { ...plan, planned_values: { root_module: 'x' } }, /\$\.planned_values\.root_module: must be an object/],
    ['resources an object', { ...plan, planned_values: { root_module: { resources: {} } } }, /\$\.planned_values\.root_module\.resources: must be a list/],
    [
      'a resource a number',
      { ...plan, planned_values: { root_module: { resources: [7] } } },
      /\$\.planned_values\.root_module\.resources\[0\]: must be an object/,
    ],
    [
      'an address a number',
      { ...plan, planned_values: { root_module: { resources: [{ address: 7, type: 'aws_iam_role' }] } } },
      /\.resources\[0\]\.address: must be the resource address/,
    ],
    ['child_modules an object', { ...plan, planned_values: { root_module: { child_modules: {} } } }, /\.root_module\.child_modules: must be a list/],
    ['resource_changes an object', { ...plan, resource_changes: {} }, /\$\.resource_changes: must be a list/],
    ['a change a list', { ...plan, resource_changes: [{ address: 'aws_iam_role.x', change: [] }] }, /\$\.resource_changes\[0\]\.change: must be an object/],
    [
      'actions a string',
      { ...plan, resource_changes: [{ address: 'aws_iam_role.x', change: { actions: 'create' } }] },
      /\.change\.actions: must be a list of actions/,
    ],
    [
      'actions unknown',
      { ...plan, resource_changes: [{ address: 'aws_iam_role.x', change: { actions: ['explode'] } }] },
      /\.change\.actions: has an unknown action list \["explode"\]/,
    ],
  ];
  it.each(cases)('%s', async (name, content, pattern) => {
    const f = file(`${name.replace(/\W+/g, '-')}.json`, content);
    expectOneLine(await inventory('--plan', f), f, pattern);
  });

  it('a UTF-8 byte order mark is accepted (editors and some shells write one)', async () => {
    const f = file('bom.json', '\uFEFF' + JSON.stringify(plan));
    const r = await inventory('--plan', f);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a folder, a missing file, an unreadable path', async () => {
    expectOneLine(await inventory('--plan', dir), dir, /is a folder/);
    const missing = path.join(dir, 'missing.json');
    expectOneLine(await inventory('--plan', missing), missing, /does not exist/);
    const loop = path.join(dir, 'loop.json');
    symlinkSync(loop, loop);
    expectOneLine(await inventory('--plan', loop), loop, /symbolic link loop/);
  });
});

describe('100,000-deep nesting: never a stack overflow, always the JSON path', () => {
  const resource = { address: 'aws_iam_role.deep', mode: 'managed', type: 'aws_iam_role', name: 'deep' };
  const cases: Array<[string, string, string, RegExp]> = [
    ['the whole plan', '--plan', deepObjectText(DEEP), /\$: is not a terraform plan or state/],
    ['a list as the whole plan', '--plan', deepListText(DEEP), /\$: must be a JSON object/],
    ['format_version', '--plan', withRaw({ ...plan, format_version: MARK }, deepListText(DEEP)), /\$\.format_version: a list of 1 is not supported/],
    [
      'the actions of a change',
      '--plan',
      withRaw({ ...plan, resource_changes: [{ address: 'aws_iam_role.x', change: { actions: MARK } }] }, `[${deepListText(DEEP)}]`),
      /\.change\.actions: must be a list of action names, not \[a list of 1\]/,
    ],
    [
      'a resource value in planned_values',
      '--plan',
      withRaw(
        { format_version: '1.2', planned_values: { root_module: { resources: [{ ...resource, values: { name: 'deep', tags: MARK } }] } } },
        deepObjectText(DEEP),
      ),
      /\$\.planned_values\.root_module\.resources\[0\]\.values\.tags(\.a)+: is nested more than 64 levels deep/,
    ],
    [
      'the after values of a change',
      '--plan',
      withRaw(
        { format_version: '1.2', resource_changes: [{ ...resource, change: { actions: ['create'], after: { name: 'deep', tags: MARK } } }] },
        deepObjectText(DEEP),
      ),
      /\$\.resource_changes\[0\]\.change\.after\.tags(\.a)+: is nested more than 64 levels deep/,
    ],
    [
      'child modules',
      '--plan',
      withRaw({ format_version: '1.2', planned_values: { root_module: MARK } }, '{"child_modules":['.repeat(DEEP) + '{}' + ']}'.repeat(DEEP)),
      /\$\.planned_values\.root_module\.child_modules\[0\].*….*: has modules nested more than 64 deep/,
    ],
    ['tfstate version', '--state', withRaw({ ...tfstate, version: MARK }, deepListText(DEEP)), /\$\.version: is terraform\.tfstate version a list of 1/],
    [
      'tfstate attributes',
      '--state',
      withRaw(
        { version: 4, lineage: 'x', resources: [{ mode: 'managed', type: 'aws_iam_role', name: 'r', instances: [{ attributes: { name: 'r', tags: MARK } }] }] },
        deepObjectText(DEEP),
      ),
      /\$\.resources\[0\]\.instances\[0\]\.attributes\.tags(\.a)+: is nested more than 64 levels deep/,
    ],
    [
      'show -json state values',
      '--state',
      withRaw({ ...show, values: { root_module: { resources: [{ ...resource, values: MARK }] } } }, deepObjectText(DEEP)),
      /\$\.values\.root_module\.resources\[0\]\.values(\.a)+: is nested more than 64 levels deep/,
    ],
  ];
  it.each(cases)('%s', async (name, flag, text, pattern) => {
    const f = file(`deep-${name.replace(/\W+/g, '-')}.json`, text);
    expectOneLine(await inventory(flag, f), f, pattern);
  });

  it('a deep after_unknown, configuration expression or policy JSON string loads (never walked past the limit)', async () => {
    const unk = withRaw(
      { format_version: '1.2', resource_changes: [{ ...resource, change: { actions: ['create'], after: { name: 'deep' }, after_unknown: { tags: MARK } } }] },
      deepObjectText(DEEP, 'true'),
    );
    const r0 = await inventory('--plan', file('deep-unknown.json', unk));
    expect(r0.stderr).toBe('');
    expect(r0.code).toBe(0);
    const cfg = withRaw(
      { ...plan, configuration: { root_module: { resources: [{ address: 'aws_iam_role.x', expressions: { tags: MARK } }] } } },
      deepObjectText(DEEP),
    );
    const r1 = await inventory('--plan', file('deep-config.json', cfg));
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    // An inline policy whose Condition value is nested 100,000 deep: the document is unreadable, not a crash.
    const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:x":${deepListText(DEEP, '"v"')}}}}]}`;
    const doc = withRaw(
      {
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: [
              { address: 'aws_iam_role_policy.p', mode: 'managed', type: 'aws_iam_role_policy', name: 'p', values: { name: 'p', role: 'r', policy: MARK } },
            ],
          },
        },
      },
      JSON.stringify(policy),
    );
    const r2 = await inventory('--plan', file('deep-policy.json', doc));
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
  });
});

describe('huge strings and odd characters are cut or escaped in the error line', () => {
  it('a 10 MB format_version is quoted with at most 80 characters', async () => {
    const f = file('huge-fv.json', { ...plan, format_version: 'x'.repeat(10 * 1024 * 1024) });
    const line = expectOneLine(await inventory('--plan', f), f, /\$\.format_version: "x+… is not supported/);
    expect(line.length).toBeLessThan(f.length + 200);
  });

  it('a 1 MB key in the JSON path is cut', async () => {
    const key = 'k'.repeat(1024 * 1024);
    const f = file('huge-key.json', {
      version: 4,
      lineage: 'x',
      resources: [{ mode: 'managed', type: 'aws_iam_role', name: 'r', instances: [{ attributes: { name: 'r', [key]: JSON.parse(deepObjectText(70)) } }] }],
    });
    const line = expectOneLine(await inventory('--state', f), f, /attributes\.k{40,79}….*: is nested more than 64 levels deep/);
    expect(line.length).toBeLessThan(f.length + 400);
  });

  it('line breaks, bidi overrides and control characters in keys and file names are escaped: one line, read left to right', async () => {
    const key = 'evil\u202Ekey\nsecond line\u0007';
    const f = file('odd\nname\u202E.json', {
      version: 4,
      lineage: 'x',
      resources: [{ mode: 'managed', type: 'aws_iam_role', name: 'r', instances: [{ attributes: { name: 'r', [key]: JSON.parse(deepObjectText(70)) } }] }],
    });
    const r = await inventory('--state', f);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(lines[0]).toContain('\\u202e');
    expect(lines[0]).toMatch(/is nested more than 64 levels deep/);
  });

  it('names with lone surrogates, NUL, bidi overrides and a BOM load into a valid report', async () => {
    const doc = structuredClone(tfstate) as { resources: Array<{ type: string; instances: Array<{ attributes: Record<string, unknown> }> }> };
    const roles = doc.resources.filter((r) => r.type === 'aws_iam_role').map((r) => r.instances[0]!.attributes);
    expect(roles.length).toBeGreaterThanOrEqual(4);
    const odd = ['lab\uD800', 'lab\u0000nul', 'lab\u202Etxt.exe', '\uFEFFlab'];
    roles.slice(0, odd.length).forEach((a, i) => (a.name = odd[i]));
    const f = file('odd-names.json', doc);
    const r = await inventory('--state', f);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const inv = JSON.parse(r.stdout) as { identities: Array<{ name: string | null }> };
    // A lone surrogate is not text: it is replaced by U+FFFD when the source is loaded (SECURITY.md),
    // so one bad name cannot fail every rule; NUL, bidi overrides and the BOM are kept as data.
    const loaded = ['lab\uFFFD', 'lab\u0000nul', 'lab\u202Etxt.exe', '\uFEFFlab'];
    expect(inv.identities.map((i) => i.name)).toEqual(expect.arrayContaining(loaded));
    expect(inv.identities.map((i) => i.name)).not.toContain('lab\uD800');
  });
});

describe('size limits', () => {
  it('a 100 MB plan over NHI_GUARD_MAX_INPUT_MB is refused before it is read, naming the file and the limit', async () => {
    const f = path.join(dir, 'big-plan.json');
    await writeLargeFile(
      f,
      100 * 1024 * 1024,
      '{"format_version":"1.2","relevant_attributes":[',
      '{"resource":"aws_iam_role.x","attribute":["name"]},',
      '{}],"planned_values":{"root_module":{}}}',
    );
    try {
      const r = await withEnv('NHI_GUARD_MAX_INPUT_MB', '50', () => runCli(['inventory', '--plan', f]));
      expectOneLine(r, f, /is 100 MB, more than the limit of 50 MB \(NHI_GUARD_MAX_INPUT_MB\)/);
      // Under the default limit the same file loads.
      const ok = await runCli(['inventory', '--plan', f, '--format', 'json']);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
    } finally {
      rmSync(f, { force: true });
    }
  });

  it('an endless device is read up to the limit only, then refused', async () => {
    const r = await withEnv('NHI_GUARD_MAX_INPUT_MB', '1', () => runCli(['inventory', '--plan', '/dev/zero']));
    expectOneLine(r, '/dev/zero', /more than the limit of 1 MB \(NHI_GUARD_MAX_INPUT_MB\)/);
  });

  it('a bad NHI_GUARD_MAX_INPUT_MB is a usage error', async () => {
    const r = await withEnv('NHI_GUARD_MAX_INPUT_MB', 'lots', () => runCli(['inventory', '--plan', ESTATE_PLAN]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nhi-guard: NHI_GUARD_MAX_INPUT_MB .*must be a whole number of megabytes/);
  });
});

describe('synth folder (--synth)', () => {
  const stackDoc = { resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: '{}' } } } };
  function synthDir(name: string, manifest: unknown, stacks: Record<string, unknown> = {}): string {
    const d = path.join(dir, `synth-${n++}-${name}`);
    mkdirSync(path.join(d, 'stacks', 'a'), { recursive: true });
    if (manifest !== undefined) writeFileSync(path.join(d, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
    for (const [rel, content] of Object.entries(stacks)) writeFileSync(path.join(d, rel), typeof content === 'string' ? content : JSON.stringify(content));
    return d;
  }
  const manifest = { stacks: { a: { name: 'a', synthesizedStackPath: 'stacks/a/cdk.tf.json' } } };

  it('no manifest', async () => {
    const d = synthDir('none', undefined);
    expectOneLine(await inventory('--synth', d), path.join(d, 'manifest.json'), /does not exist/);
  });
  it('a manifest of the wrong kind', async () => {
    const d = synthDir('kind', { hello: 1 });
    expectOneLine(await inventory('--synth', d), path.join(d, 'manifest.json'), /\$\.stacks: must be an object of stacks/);
  });
  it('a manifest pointing outside the folder', async () => {
    const d = synthDir('escape', { stacks: { a: { synthesizedStackPath: '../../../etc/passwd' } } });
    expectOneLine(await inventory('--synth', d), path.join(d, 'manifest.json'), /\$\.stacks\.a\.synthesizedStackPath: points outside the synth folder/);
  });
  it('a stack file nested 100,000 deep', async () => {
    const d = synthDir('deep', manifest, {
      'stacks/a/cdk.tf.json': withRaw({ resource: { aws_iam_role: { r: { name: 'r', tags: MARK } } } }, deepObjectText(DEEP)),
    });
    expectOneLine(
      await inventory('--synth', d),
      path.join(d, 'stacks/a/cdk.tf.json'),
      /\$\.resource\.aws_iam_role\.r\.tags(\.a)+: is nested more than 64 levels deep/,
    );
  });
  it('a stack file of the wrong types', async () => {
    const d = synthDir('types', manifest, { 'stacks/a/cdk.tf.json': { resource: { aws_iam_role: [] } } });
    expectOneLine(await inventory('--synth', d), path.join(d, 'stacks/a/cdk.tf.json'), /\$\.resource\.aws_iam_role: must be an object of resources/);
  });
  it('a stack file that is a symbolic link loop', async () => {
    const d = synthDir('loop', manifest);
    const f = path.join(d, 'stacks/a/cdk.tf.json');
    symlinkSync(f, f);
    expectOneLine(await inventory('--synth', d), f, /symbolic link loop/);
  });
  it('a synth folder that is a symbolic link loop', async () => {
    const d = path.join(dir, 'synth-self');
    symlinkSync(d, d);
    expectOneLine(await inventory('--synth', d), d, /is not a folder/);
  });
  it('a manifest that links to an endless device', async () => {
    const d = synthDir('zero', undefined, {});
    symlinkSync('/dev/zero', path.join(d, 'manifest.json'));
    const r = await withEnv('NHI_GUARD_MAX_INPUT_MB', '1', () => runCli(['inventory', '--synth', d]));
    expectOneLine(r, path.join(d, 'manifest.json'), /more than the limit of 1 MB/);
  });
  it('a working stack next to them still loads', async () => {
    const d = synthDir('ok', manifest, { 'stacks/a/cdk.tf.json': stackDoc });
    const r = await inventory('--synth', d);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('snapshot (--snapshot)', () => {
  const snap = JSON.parse(readFileSync(path.join(FIXTURES, 'snapshots', 'handmade-estate-drift.json'), 'utf8')) as Record<string, unknown> & {
    identities: Array<Record<string, unknown>>;
  };
  const dupId = 'x'.repeat(100_000);
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /is empty/],
    ['truncated', JSON.stringify(snap).slice(0, 3000), /not valid JSON \(truncated/],
    ['a plan instead', JSON.stringify(plan), /\$: (must have property|is not a known property)|\$\./],
    ['a declared Inventory instead', JSON.stringify({ ...snap, inputs: [{ kind: 'plan', file: 'p.json' }] }), /\$\.inputs\[0\]\.kind: is not a live snapshot/],
    ['nested 100,000 deep', deepObjectText(DEEP), /\$/],
    ['identities nested deep', withRaw({ ...snap, identities: MARK }, deepListText(DEEP)), /\$\.identities/],
    [
      'a huge duplicate id',
      JSON.stringify({
        ...snap,
        identities: [
          { ...snap.identities[0], id: dupId },
          { ...snap.identities[0], id: dupId },
        ],
      }),
      /\$\.identities\[1\]\.id: duplicate element id "x+…$/,
    ],
  ];
  it.each(cases)('%s', async (name, text, pattern) => {
    const f = file(`snapshot-${name.replace(/\W+/g, '-')}.json`, text);
    expectOneLine(await runCli(['check', '--snapshot', f, '--fail-on', 'none', '--now', '2026-11-22']), f, pattern);
  });
});

describe('report merge: findings documents', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /is empty/],
    ['a plan instead', JSON.stringify(plan), /must have property|is not a known property/],
    ['nested 100,000 deep', deepObjectText(DEEP), /\$/],
    ['findings nested deep', withRaw({ schemaVersion: 1, findings: MARK }, deepListText(DEEP)), /\$/],
  ];
  it.each(cases)('%s', async (name, text, pattern) => {
    const f = file(`merge-${name.replace(/\W+/g, '-')}.json`, text);
    expectOneLine(await runCli(['report', 'merge', f]), f, pattern);
  });
});

describe('policy data (--data) and waivers (--waivers)', () => {
  const check = (extra: string[]) => runCli(['check', '--plan', ESTATE_PLAN, '--fail-on', 'none', '--now', '2026-11-22', ...extra]);
  const cases: Array<[string, string, string, RegExp]> = [
    ['data empty', '--data', 'empty.json', /is empty/],
    ['data binary', '--data', 'bin.json', /binary/],
    ['data a list', '--data', 'list.json', /\$: must be an object of policy settings/],
    ['data deep JSON', '--data', 'deep.json', /\$\.a: is not a known property/],
    ['data deep YAML', '--data', 'deep.yaml', /\$: is nested more than 256 levels deep/],
    ['data YAML alias bomb', '--data', 'bomb.yaml', /is not valid YAML|\$/],
    ['data wrong type', '--data', 'types.json', /\$\.rotationMaxDays: must be/],
    ['waivers a number', '--waivers', 'num.json', /\$: must be a list of waivers/],
    ['waivers deep JSON', '--waivers', 'wdeep.json', /\$: must be a list of waivers|\$\.a/],
    ['waivers deep YAML list', '--waivers', 'wdeep.yaml', /\$: is nested more than 256 levels deep/],
    ['waivers unknown key', '--waivers', 'wkey.json', /\$\.extra: is not a known property/],
    ['waivers wrong version', '--waivers', 'wver.json', /\$\.version: must be 1/],
  ];
  const contents: Record<string, string> = {
    'empty.json': '',
    'bin.json': '\u0000\u0001',
    'list.json': '[]',
    'deep.json': deepObjectText(DEEP),
    'deep.yaml': deepListText(DEEP),
    'bomb.yaml': [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n'),
    'types.json': JSON.stringify({ rotationMaxDays: 'ninety' }),
    'num.json': '5',
    'wdeep.json': deepObjectText(DEEP),
    'wdeep.yaml': `waivers: ${deepListText(DEEP)}`,
    'wkey.json': JSON.stringify({ waivers: [], extra: 1 }),
    'wver.json': JSON.stringify({ version: 2, waivers: [] }),
  };
  it.each(cases)('%s', async (_name, flag, name, pattern) => {
    const f = file(name, contents[name]!);
    expectOneLine(await check([flag, f]), f, pattern);
  });
});

describe('user Rego (--policy-dir)', () => {
  it('a syntax error names the file and line', async () => {
    const d = path.join(dir, 'rego-bad');
    mkdirSync(d);
    writeFileSync(path.join(d, 'bad.rego'), 'package nhi.rules.bad\n\nfindings contains x if {\n  x := \n');
    const r = await runCli(['check', '--plan', ESTATE_PLAN, '--policy-dir', d, '--now', '2026-11-22']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/policy compilation failed: .*bad\.rego:\d+/);
  });

  it('a folder with a symbolic link loop and binary junk beside the rules', async () => {
    const d = path.join(dir, 'rego-loop');
    mkdirSync(path.join(d, 'sub'), { recursive: true });
    symlinkSync(d, path.join(d, 'sub', 'again'));
    writeFileSync(path.join(d, 'junk.bin'), Buffer.from([0, 1, 2]));
    const r = await runCli(['check', '--plan', ESTATE_PLAN, '--policy-dir', d, '--fail-on', 'none', '--now', '2026-11-22']);
    // No .rego of the user's: only the built-in pack runs, after the loop was walked once.
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a dangling link and a missing folder', async () => {
    const d = path.join(dir, 'rego-dangling');
    mkdirSync(d);
    symlinkSync(path.join(d, 'nowhere'), path.join(d, 'x.rego'));
    const r = await runCli(['check', '--plan', ESTATE_PLAN, '--policy-dir', d, '--now', '2026-11-22']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/x\.rego: cannot resolve/);
    const missing = path.join(dir, 'no-such-dir');
    const r2 = await runCli(['check', '--plan', ESTATE_PLAN, '--policy-dir', missing, '--now', '2026-11-22']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toBe(`nhi-guard: ${missing}: policy folder does not exist\n`);
  });
});

describe('config file (--config)', () => {
  const run = (f: string) => runCli(['check', '--config', f, '--plan', ESTATE_PLAN, '--fail-on', 'none', '--now', '2026-11-22']);
  it('an endless device behind the name is read up to the limit, then refused', async () => {
    const f = path.join(dir, 'config-zero.yaml');
    symlinkSync('/dev/zero', f);
    expectOneLine(await run(f), f, /is more than the limit of \d+ MB/);
  });
  it('a folder, an empty file, a list, deep nesting', async () => {
    const d = path.join(dir, 'config-dir.yaml');
    mkdirSync(d);
    expectOneLine(await run(d), d, /is a folder|cannot read|read/);
    const list = file('config-list.json', '[1]');
    expectOneLine(await run(list), list, /\$: must be an object of option defaults/);
    const deep = file('config-deep.json', deepObjectText(DEEP));
    expectOneLine(await run(deep), deep, /\$\.a: /);
    const deepYaml = file('config-deep.yaml', `policyDirs: ${deepListText(DEEP)}`);
    expectOneLine(await run(deepYaml), deepYaml, /\$|YAML/);
  });
  it('a YAML alias named like a secret is not quoted', async () => {
    const f = file('config-alias.yaml', 'data: *CANARY-alias-0123456789\n');
    const line = expectOneLine(await run(f), f, /is not valid YAML/);
    expect(line).not.toContain('CANARY');
  });
});

describe('options', () => {
  it('--now garbage, huge', async () => {
    const r = await runCli(['inventory', '--plan', ESTATE_PLAN, '--now', 'x'.repeat(100_000)]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr.length).toBeLessThan(1100);
  });
  it('--output into a file where a folder is expected', async () => {
    const f = file('plainfile', 'x');
    const out = path.join(f, 'report.json');
    const r = await runCli(['inventory', '--plan', ESTATE_PLAN, '--output', out, '--now', '2026-11-22']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot create the folder|is not a folder/);
  });
});
