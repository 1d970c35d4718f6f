/**
 * Every output escaped the same way: a seeded, bounded property test feeds every renderer
 * hostile strings (control characters, terminal escapes, bidi overrides and isolates, line
 * breaks, pipes, backticks, `<script>`, `]]>`, `%0A` for GitHub commands, lone surrogates)
 * through identity names, owners, messages, tags, paths, waivers, inventory rows, gap fields and
 * the PHI access map (the `access` command in every format, the HTML report's PHI stores and PHI
 * access sections, the PR comment's access delta), and compares each report with the report of
 * the same document with plain strings: no hostile string adds a line, a table cell, an HTML or XML tag or a workflow command, and none of the
 * characters a terminal or a reader acts on passes through raw. SARIF and JSON need no escaping
 * beyond JSON: their strings read back exactly.
 */
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { AccessMapDocument } from '../../checks/access/document.js';
import { ACCESS_FORMATS, renderAccess } from '../../checks/access/render.js';
import { reportError } from '../../checks/cli/index.js';
import { inventoryTable } from '../../checks/cli/inventory.js';
import { IncompleteError } from '../../checks/errors.js';
import type { FindingsDocument } from '../../checks/findings.js';
import { emptyInventory, type Inventory } from '../../checks/model.js';
import { FORMATS, render } from '../../reports/index.js';
import { finding, makeDoc } from '../reports/fixture.js';

const FRAGMENTS = [
  '\u001b[31m',
  '\u001b]0;pwned\u0007',
  '\u001b[2J',
  '\r',
  '\n',
  '\r\n',
  '\u0000',
  '\u0008',
  '\t',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\ufeff',
  '|',
  '||',
  '`',
  '```',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  ']]>',
  '<![CDATA[',
  '&amp;',
  '"',
  "'",
  '%0A',
  '%0D',
  '%25',
  '::error::forged',
  '::set-output name=x::y',
  '*bold*',
  '_em_',
  '[link](http://x)',
  '~~s~~',
  '\\',
  '# head',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '😀',
  'é',
  'team-lab',
  'x',
];

const hostile = fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

/** Characters no rendered report may carry raw (JSON and SARIF aside). */
const RAW =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const SLOTS = 16;

/** A findings document whose input-derived strings are s[0..SLOTS). */
function doc(s: string[]): FindingsDocument {
  const resource = { type: 'aws_iam_role', name: s[0]!, address: s[1]!, constructPath: s[2]!, arn: s[3]!, file: `/work/repo/${s[4]!}`, line: 3 };
  const d = makeDoc({
    inputs: [{ kind: 'live', file: s[5]! }],
    findings: [
      finding('NHI-LP-001', { message: s[6]!, identity: s[7]!, owner: s[8]!, remediation: s[9]!, resource }),
      finding('NHI-EXP-002', { message: `expires ${s[6]!}`, identity: s[7]!, owner: s[8]!, resource: { type: 'aws_iam_user', name: s[10]! } }),
      finding('NHI-OWN-001', {
        message: s[11]!,
        waived: true,
        waiver: { ruleId: 'NHI-OWN-001', resource: s[0]!, owner: s[12]!, reason: s[13]!, expiresOn: '2027-01-01' },
        resource: { type: 'aws_iam_role', name: s[0]! },
      }),
    ],
  });
  d.gaps = [{ service: 'iam', operation: s[14]!, target: s[15]!, error: s[13]!, region: 'us-east-1', account: '123456789012' }];
  // The PHI stores and the PHI access section (HTML): a store, principals and a route from the input.
  d.phiStores = [{ id: `s3:${s[3]!}`, kind: 's3', name: s[3]!, arn: `arn:aws:s3:::${s[3]!}`, account: '123456789012', dataClass: 'phi', owner: s[12]! }];
  d.access = {
    principals: [
      { kind: 'role', label: `role ${s[7]!}`, owner: s[8]!, lastUsed: '2026-05-01T00:00:00Z', daysSinceUsed: 9 },
      { kind: 'external', label: s[2]! },
    ],
    stores: [
      {
        id: `s3:${s[3]!}`,
        kind: 's3',
        name: s[3]!,
        label: `s3 ${s[3]!}`,
        dataClass: 'phi',
        owner: s[12]!,
        maxReach: s[1]!,
        reaches: [
          { principals: [0], levels: ['read'], via: 'role-chain', route: `role ${s[7]!} → assumes role ${s[0]!} → s3 ${s[3]!}` },
          { principals: [1], levels: ['read', 'write'], via: 'resource-policy', route: `${s[2]!} → the resource policy (${s[13]!})` },
        ],
      },
    ],
  };
  d.inventory = [
    {
      id: 'r1',
      element: 'identity',
      type: 'iam-role',
      kind: 'role',
      name: s[7]!,
      owner: s[8]!,
      dataClass: s[12]!,
      expiresOn: '2027-01-01',
      source: 'live',
      change: 'existing',
      findings: 1,
      changedOutside: [`tags.${s[15]!}`],
    },
  ];
  return d;
}

function inventory(s: string[]): Inventory {
  const inv = emptyInventory([{ kind: 'live', file: s[5]! }]);
  inv.identities.push({
    id: `iam-role:${s[0]!}`,
    kind: 'role',
    name: s[0]!,
    tags: { owner: s[8]! },
    policies: [],
    groups: [],
    change: 'existing',
    origin: { source: 'live' },
    governance: { owner: s[8]!, dataClass: s[12]!, expiry: { raw: s[11]!, valid: false } },
  } as never);
  inv.credentials.push({ id: `secret:${s[10]!}`, kind: 'secret', name: s[10]!, tags: {}, change: 'existing', origin: { source: 'live' } } as never);
  inv.gaps = [{ service: 'iam', operation: s[14]!, target: s[15]!, error: s[13]! }];
  return inv;
}

/** `|` not escaped by a backslash (an even run of backslashes before it). */
const cells = (line: string) => (line.match(/(?<!\\)(?:\\\\)*\|/g) ?? []).length;
const count = (text: string, what: string) => text.split(what).length - 1;

/** Markdown outside its code spans (CommonMark: a run of n backticks up to the next run of exactly n; backslash escapes only outside). */
function withoutCodeSpans(t: string): string {
  let out = '';
  for (let i = 0; i < t.length;) {
    if (t[i] === '\\') {
      out += t.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (t[i] !== '`') {
      out += t[i++];
      continue;
    }
    let n = 0;
    while (t[i + n] === '`') n++;
    let j = i + n;
    let close = -1;
    while (j < t.length) {
      if (t[j] !== '`') {
        j++;
        continue;
      }
      let m = 0;
      while (t[j + m] === '`') m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close < 0) {
      out += t.slice(i, i + n);
      i += n;
    } else i = close + n;
  }
  return out;
}

/** An access map document (`nhi-guard access`) whose input-derived strings are s[0..SLOTS), with a delta against a baseline or the declaration. */
function accessDoc(s: string[], against: 'baseline' | 'declaration' = 'baseline'): AccessMapDocument {
  const route = `role ${s[7]!} → assumes role ${s[0]!} (${s[9]!} #0 (${s[10]!}) allows sts:AssumeRole) → s3 ${s[3]!}`;
  return {
    schemaVersion: 1,
    tool: { name: 'nhi-guard', version: '0.0.0' },
    generatedAt: '2026-11-22T00:00:00.000Z',
    now: '2026-11-22T00:00:00.000Z',
    inputs: [{ kind: 'state', file: s[5]! }],
    stores: [
      {
        id: `s3:${s[3]!}`,
        kind: 's3',
        name: s[3]!,
        label: `s3 ${s[3]!}`,
        dataClass: 'phi',
        owner: s[12]!,
        maxReach: s[1]!,
        reaches: [
          {
            principal: { id: `role:${s[7]!}`, kind: 'role', label: `role ${s[7]!}`, owner: s[8]!, dataClass: s[11]!, lastUsed: null },
            level: 'read',
            levels: ['read'],
            via: 'role-chain',
            chain: [`role ${s[0]!}`],
            route,
            steps: [],
          },
          {
            principal: { id: s[2]!, kind: 'external', label: s[2]! },
            level: 'write',
            levels: ['read', 'write'],
            via: 'resource-policy',
            chain: [],
            route: `${s[2]!} → the resource policy of s3 ${s[3]!}, statement #0 (${s[13]!}), allows s3:PutObject`,
            steps: [],
          },
          {
            // A Principal entry no input resolves, shown as written.
            principal: { id: `unresolved:\${${s[9]!}}`, kind: 'unresolved', label: `unresolved \${${s[9]!}}` },
            level: 'read',
            levels: ['read'],
            via: 'resource-policy',
            chain: [],
            route: `unresolved \${${s[9]!}} → the resource policy of s3 ${s[3]!}, statement #1, allows s3:GetObject`,
            steps: [],
          },
        ],
      },
      { id: `dynamodb:${s[4]!}`, kind: 'dynamodb', name: s[4]!, label: `dynamodb ${s[4]!}`, dataClass: 'pii', owner: s[14]!, reaches: [] },
    ],
    delta: {
      baseline: s[15]!,
      against,
      gained: [{ principal: `role ${s[7]!}`, store: `s3 ${s[3]!}`, levels: ['read'], route }],
      lost: [{ principal: s[2]!, store: `dynamodb ${s[4]!}`, levels: ['write'], route: s[6]! }],
    },
  };
}

/** The PR comment against a baseline, leading with the PHI access delta. */
function commentDoc(s: string[]): FindingsDocument {
  const d = doc(s);
  d.baseline = { file: s[5]!, generatedAt: '2026-11-20T00:00:00.000Z', new: 2, existing: 1, resolved: [], notEvaluated: 0 };
  d.accessDelta = accessDoc(s).delta;
  return d;
}

const RUNS = { seed: 1616, numRuns: 40 };
const ctx = { color: false, sourceRoot: '/work/repo', failOn: 'high' };
const plain = Array.from({ length: SLOTS }, (_, i) => `plain${i}`);

describe('every renderer, fed hostile strings', () => {
  it.each(FORMATS.filter((f) => f !== 'json' && f !== 'sarif'))('%s: nothing raw, no line, cell, tag or command added', (format) => {
    const base = render(format, doc(plain), ctx);
    const baseLines = base.split('\n');
    // The HTML report shows the PHI stores and the PHI access section of the document.
    if (format === 'html') for (const section of ['id="phi-stores"', 'id="phi-access"', 'plain3', 'plain7']) expect(base).toContain(section);
    fc.assert(
      fc.property(fc.array(hostile, { minLength: SLOTS, maxLength: SLOTS }), (s) => {
        const out = render(format, doc(s), ctx);
        expect(RAW.exec(out)?.[0], `a raw ${JSON.stringify(RAW.exec(out)?.[0])} in ${format}`).toBeUndefined();
        const lines = out.split('\n');
        expect(lines.length).toBe(baseLines.length);
        // Table rows keep their cells; elsewhere a pipe is text (no input can add a line, so no delimiter row).
        if (format === 'markdown') for (const [i, l] of lines.entries()) if (baseLines[i]!.startsWith('|')) expect(cells(l), l).toBe(cells(baseLines[i]!));
        if (format === 'github') {
          for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(::(error|warning|notice) [^:]*::|nhi-guard: )/);
          expect(lines.at(-1)).toBe('');
          expect(count(out, '%0A')).toBe(count(base, '%0A'));
          const commands = (t: string[]) => t.map((l) => /^::(\w+) /.exec(l)?.[1]);
          expect(commands(lines)).toEqual(commands(baseLines));
        }
        // Markdown: no raw HTML outside code spans (inside them a reader sees it as text).
        const outside = (t: string) => (format === 'markdown' ? withoutCodeSpans(t) : t);
        if (format === 'html' || format === 'junit' || format === 'markdown') expect(count(outside(out), '<')).toBe(count(outside(base), '<'));
        if (format === 'junit') expect(XMLValidator.validate(out)).toBe(true);
        if (format === 'html') expect(out).not.toMatch(/<script|<img/i);
      }),
      RUNS,
    );
  });

  it.each(['json', 'sarif'])('%s: every string reads back exactly', (format) => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: SLOTS, maxLength: SLOTS }), (s) => {
        const out = render(format, doc(s), ctx);
        const parsed = JSON.parse(out);
        const text = JSON.stringify(parsed);
        expect(text).toContain(JSON.stringify(s[6]!).slice(1, -1));
        if (format === 'json') expect(parsed.findings.find((f: { ruleId: string }) => f.ruleId === 'NHI-LP-001').owner).toBe(s[8]);
      }),
      RUNS,
    );
  });

  it.each(ACCESS_FORMATS.filter((f) => f !== 'json').flatMap((f) => [[f, 'baseline'] as const, [f, 'declaration'] as const]))(
    'nhi-guard access --format %s (delta against the %s): nothing raw, no line, cell or tag added',
    (format, against) => {
      const base = renderAccess(format, accessDoc(plain, against));
      const baseLines = base.split('\n');
      fc.assert(
        fc.property(fc.array(hostile, { minLength: SLOTS, maxLength: SLOTS }), (s) => {
          const out = renderAccess(format, accessDoc(s, against));
          expect(RAW.exec(out)?.[0], `a raw ${JSON.stringify(RAW.exec(out)?.[0])} in access ${format}`).toBeUndefined();
          const lines = out.split('\n');
          expect(lines.length).toBe(baseLines.length);
          if (format === 'markdown') {
            for (const [i, l] of lines.entries()) {
              if (baseLines[i]!.startsWith('|')) expect(cells(l), l).toBe(cells(baseLines[i]!));
              // A heading or list item stays one; no input starts a heading, a list or a quote.
              expect(/^(#+ |- |> |\|)/.exec(l)?.[1] ?? '').toBe(/^(#+ |- |> |\|)/.exec(baseLines[i]!)?.[1] ?? '');
            }
            expect(count(withoutCodeSpans(out), '<')).toBe(count(withoutCodeSpans(base), '<'));
          }
          if (format === 'html') {
            expect(count(out, '<')).toBe(count(base, '<'));
            expect(out).not.toMatch(/<script|<img/i);
          }
        }),
        RUNS,
      );
    },
  );

  it('nhi-guard access --format json: every string reads back exactly', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: SLOTS, maxLength: SLOTS }), (s) => {
        const d = accessDoc(s);
        expect(JSON.parse(renderAccess('json', d))).toEqual(d);
      }),
      RUNS,
    );
  });

  it("the PR comment's PHI access delta (markdown against a baseline): nothing raw, no line, cell or tag added", () => {
    const base = render('markdown', commentDoc(plain), ctx);
    const baseLines = base.split('\n');
    expect(base).toContain('### PHI access: 1 gained, 1 lost');
    fc.assert(
      fc.property(fc.array(hostile, { minLength: SLOTS, maxLength: SLOTS }), (s) => {
        const out = render('markdown', commentDoc(s), ctx);
        expect(RAW.exec(out)?.[0]).toBeUndefined();
        const lines = out.split('\n');
        expect(lines.length).toBe(baseLines.length);
        for (const [i, l] of lines.entries()) {
          if (baseLines[i]!.startsWith('|')) expect(cells(l), l).toBe(cells(baseLines[i]!));
          expect(/^(#+ |- |> )/.exec(l)?.[1] ?? '').toBe(/^(#+ |- |> )/.exec(baseLines[i]!)?.[1] ?? '');
        }
        expect(count(withoutCodeSpans(out), '<')).toBe(count(withoutCodeSpans(base), '<'));
      }),
      RUNS,
    );
  });

  it('inventory --format text: nothing raw, one line per identity, secret and gap', () => {
    const base = inventoryTable(inventory(plain)).split('\n').length;
    fc.assert(
      fc.property(fc.array(hostile, { minLength: SLOTS, maxLength: SLOTS }), (s) => {
        const out = inventoryTable(inventory(s));
        expect(RAW.exec(out)?.[0]).toBeUndefined();
        expect(out.split('\n').length).toBe(base);
      }),
      RUNS,
    );
  });

  it('gap fields on stderr (exit 3): one line, nothing raw', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 3, maxLength: 3 }), (s) => {
        let err = '';
        const code = reportError(
          new IncompleteError(`1 part(s) of the account could not be read (first: iam ${s[0]} ${s[1]}: ${s[2]}); the output lists them`),
          { stdout: () => undefined, stderr: (x) => void (err += x), isTTY: false, env: {} },
        );
        expect(code).toBe(3);
        expect(err.endsWith('\n')).toBe(true);
        expect(err.slice(0, -1)).not.toContain('\n');
        expect(RAW.exec(err.slice(0, -1))?.[0]).toBeUndefined();
      }),
      RUNS,
    );
  });
});
