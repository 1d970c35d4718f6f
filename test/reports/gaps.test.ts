/**
 * An incomplete live scan (gaps in the findings document) is never shown as clean in the CI
 * formats: SARIF marks the run unsuccessful, JUnit fails a completeness case, GitHub logs an error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { renderGithub } from '../../reports/github.js';
import { renderHtml } from '../../reports/html.js';
import { renderJunit } from '../../reports/junit.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { renderSarif } from '../../reports/sarif.js';
import { renderText } from '../../reports/text.js';
import { makeDoc } from './fixture.js';

const gaps = [
  { service: 'secretsmanager', operation: 'ListSecrets', region: 'us-east-1', error: 'AccessDeniedException: not authorized' },
  { service: 'iam', operation: 'GetAccessKeyLastUsed', target: 'AKIAEXAMPLE', error: 'Throttling: rate exceeded' },
];
const incomplete = (): FindingsDocument => ({ ...makeDoc({ findings: [] }), gaps });

describe('incomplete live scans in the CI formats', () => {
  it('SARIF: an unsuccessful invocation with one error notification per gap, still schema-valid', () => {
    const log = JSON.parse(renderSarif(incomplete())) as Sarif.Log;
    const inv = log.runs[0]!.invocations!;
    expect(inv).toHaveLength(1);
    expect(inv[0]!.executionSuccessful).toBe(false);
    expect(inv[0]!.toolExecutionNotifications!.map((n) => [n.level, n.message.text])).toEqual([
      ['error', 'could not read secretsmanager ListSecrets in us-east-1: AccessDeniedException: not authorized'],
      ['error', 'could not read iam GetAccessKeyLastUsed for AKIAEXAMPLE: Throttling: rate exceeded'],
    ]);
    const schema = JSON.parse(readFileSync(path.resolve('test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
    const ok = ajv.compile(schema)(log);
    expect(ok).toBe(true);
    expect((JSON.parse(renderSarif(makeDoc({ findings: [] }))) as Sarif.Log).runs[0]!.invocations).toBeUndefined();
  });

  it('JUnit: a failing completeness case, even with no finding', () => {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => n === 'testsuite' || n === 'testcase' });
    const xml = parser.parse(renderJunit(incomplete())) as {
      testsuites: { '@_failures': string; testsuite: Array<{ '@_name': string; testcase: Array<{ failure?: { '@_message': string; '#text': string } }> }> };
    };
    expect(Number(xml.testsuites['@_failures'])).toBe(1);
    const suite = xml.testsuites.testsuite.find((s) => s['@_name'] === 'nhi-guard.completeness')!;
    expect(suite.testcase[0]!.failure!['@_message']).toBe('incomplete: 2 part(s) of the account could not be read');
    expect(suite.testcase[0]!.failure!['#text']).toContain('secretsmanager ListSecrets in us-east-1: AccessDeniedException');
    const clean = parser.parse(renderJunit(makeDoc({ findings: [] }))) as { testsuites: { '@_failures': string } };
    expect(Number(clean.testsuites['@_failures'])).toBe(0);
  });

  it('GitHub: an ::error annotation and INCOMPLETE in the closing line', () => {
    const lines = renderGithub(incomplete()).trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^::error title=nhi-guard%3A incomplete scan::2 part\(s\) of the account could not be read; the result is not clean\. secretsmanager ListSecrets/,
    );
    expect(lines.at(-1)).toBe('nhi-guard: 0 finding(s), 0 waived, INCOMPLETE (2 gap(s))');
  });

  it('drift: text, Markdown and HTML name the declarations not compared because of a gap, and only when there are some', () => {
    const doc: FindingsDocument = {
      ...incomplete(),
      notCompared: [{ element: 'aws_secretsmanager_secret.<hl7>', gap: 'secretsmanager ListSecrets (us-east-1)', account: '123456789012' }],
    };
    const sentence =
      'Not compared: 1 declared element(s) whose live side could not be read (see the gaps), so not reported as missing live: 123456789012 aws_secretsmanager_secret.';
    expect(renderText(doc)).toContain(`${sentence}<hl7> (secretsmanager ListSecrets (us-east-1)).`);
    // Markdown escapes the element as any cell text.
    expect(renderMarkdown(doc)).toContain(
      `> ℹ️ ${sentence.replace('aws_secretsmanager_secret.', 'aws\\_secretsmanager\\_secret.')}&lt;hl7&gt; (secretsmanager ListSecrets (us-east-1)).`,
    );
    const html = renderHtml(doc);
    expect(html).toContain('id="not-compared-note"');
    expect(html).toContain(`${sentence}&lt;hl7&gt; (secretsmanager ListSecrets (us-east-1)).`);
    for (const out of [renderText(incomplete()), renderMarkdown(incomplete()), renderHtml(incomplete())]) expect(out).not.toContain('Not compared');
  });
});
