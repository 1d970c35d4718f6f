/**
 * Synth findings point at the stack file and line that declares the construct (recorded by the
 * governed constructs and `located()`, stacks/constructs/source-location.ts), in the findings
 * document, SARIF physicalLocation (schema-valid), GitHub annotations and the Markdown comment;
 * cdk.tf.json only when nothing better is known. The expected line is read from the stack file:
 * the line of the `(this, '<id>'` call of the construct path's first element.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../stacks/main.js';
import { runCli } from '../support/cli.js';
import { NOW } from './helpers.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(path.resolve('test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object);

interface Finding {
  ruleId: string;
  resource: { address?: string; constructPath?: string; file?: string; line?: number; stack?: string };
}

let dir: string;
const out: Record<string, string> = {};

/** The stack file of a stack id, from stacks/main.ts: `new XStack(app, 'id')` and `import { XStack } from './file.js'`. */
function stackFile(stack: string): string {
  const main = readFileSync('stacks/main.ts', 'utf8');
  const cls = new RegExp(`new (\\w+)\\(app, '${stack}'\\)`).exec(main)?.[1];
  const file = cls ? new RegExp(`import \\{ ${cls} \\} from '\\./([\\w-]+)\\.js'`).exec(main)?.[1] : undefined;
  if (!file) throw new Error(`stacks/main.ts does not register ${stack}`);
  return `stacks/${file}.ts`;
}

/**
 * The stack file that declares the stack's top construct `id`, and the line of its `(this, 'id'`
 * call; for a resource wrapped in `located(` on the line before, the line of that call (the frame
 * recorded is the caller of `located`).
 */
function declared(stack: string, id: string): { file: string; line: number } {
  const file = stackFile(stack);
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`(this, '${id}'`));
  if (i < 0) throw new Error(`${file} does not declare ${id}`);
  const wrapped = i > 0 && lines[i - 1]!.trimEnd().endsWith('located(');
  return { file, line: wrapped ? i : i + 1 };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-stacks-locations-'));
  const { app, aspect } = buildApp(dir, NOW);
  app.synth();
  expect(aspect.problems).toEqual([]);
  for (const format of ['json', 'sarif', 'github', 'markdown']) {
    const r = await runCli(['check', '--synth', dir, '--format', format, '--fail-on', 'none', '--now', '2026-11-22T00:00:00Z', '--source-root', process.cwd()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    out[format] = r.stdout;
  }
}, 120_000);

describe('the synthesized output', () => {
  it('records each source file relative to the project root (cdktf.json), never a path of this machine (in the resources metadata)', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
    let located = 0;
    for (const s of Object.values(manifest.stacks)) {
      const doc = JSON.parse(readFileSync(path.join(dir, s.synthesizedStackPath), 'utf8')) as {
        resource?: Record<string, Record<string, { '//'?: { source?: { file: string; line: number } } }>>;
      };
      for (const byName of Object.values(doc.resource ?? {}))
        for (const r of Object.values(byName)) {
          // (cdktf's default local backend path is absolute too: not a source location.)
          expect(JSON.stringify(r['//'] ?? {})).not.toContain(process.cwd());
          const src = r['//']?.source;
          if (!src) continue;
          located++;
          expect(src.file).toMatch(/^stacks\/[a-z0-9-]+\.ts$/);
          expect(readFileSync(src.file, 'utf8').split('\n').length).toBeGreaterThanOrEqual(src.line);
        }
    }
    expect(located).toBeGreaterThan(20);
  });

  it('is resolved against the project of the synth folder first: a copy inside another project points at its files', async () => {
    // Another checkout (cdktf.json and the stack file) that holds the synth folder; run from here.
    const other = mkdtempSync(path.join(os.tmpdir(), 'nhi-other-project-'));
    writeFileSync(path.join(other, 'cdktf.json'), '{}');
    mkdirSync(path.join(other, 'stacks'));
    copyFileSync('stacks/legacy-hl7.ts', path.join(other, 'stacks', 'legacy-hl7.ts'));
    cpSync(dir, path.join(other, 'cdktf.out'), { recursive: true });
    const r = await runCli([
      'check',
      '--synth',
      path.join(other, 'cdktf.out'),
      '--stack',
      'legacy-hl7',
      '--format',
      'json',
      '--fail-on',
      'none',
      '--now',
      '2026-11-22T00:00:00Z',
      '--source-root',
      other,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const admin = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.find((f) => f.ruleId === 'NHI-LP-001')!;
    expect({ file: admin.resource.file, line: admin.resource.line }).toEqual(declared('legacy-hl7', 'InterfaceEngineRole'));
  });
});

describe('synth findings on the bundled stacks', () => {
  it('carry the stacks/*.ts file and line of the construct, never cdk.tf.json', () => {
    const findings = (JSON.parse(out.json!) as { findings: Finding[] }).findings;
    expect(findings.length).toBeGreaterThan(5);
    for (const f of findings) {
      const [stack, id] = f.resource.constructPath!.split('/');
      const want = declared(stack!, id!);
      expect({ rule: f.ruleId, path: f.resource.constructPath, file: f.resource.file, line: f.resource.line }).toEqual({
        rule: f.ruleId,
        path: f.resource.constructPath,
        ...want,
      });
    }
    // The legacy admin role: the line of `located(new IamRole(this, 'InterfaceEngineRole'`.
    const admin = findings.find((f) => f.ruleId === 'NHI-LP-001')!;
    const at = readFileSync(admin.resource.file!, 'utf8')
      .split('\n')
      .slice(admin.resource.line! - 1, admin.resource.line! + 1)
      .join(' ');
    expect(at).toMatch(/located\(\s*new IamRole\(this, 'InterfaceEngineRole'/);
  });

  it('SARIF physicalLocation, GitHub annotations and the Markdown comment use them', () => {
    const log = JSON.parse(out.sarif!) as Sarif.Log;
    expect(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const admin = declared('legacy-hl7', 'InterfaceEngineRole');
    const lp001 = log.runs[0]!.results!.find((r) => r.ruleId === 'NHI-LP-001')!;
    expect(lp001.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: admin.file, uriBaseId: '%SRCROOT%' }, region: { startLine: admin.line } });
    for (const r of log.runs[0]!.results!) expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toMatch(/^stacks\/[a-z0-9-]+\.ts$/);
    expect(out.github).toContain(`file=${admin.file},line=${admin.line}::[critical]`);
    expect(out.github).not.toContain('cdk.tf.json');
    expect(out.markdown).toContain(`\`${admin.file}:${admin.line}\``);
  });
});
