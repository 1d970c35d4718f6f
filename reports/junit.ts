/**
 * JUnit XML for CI test tabs: one <testsuite> per source kind (synth, plan, state, live, drift),
 * one <testcase> per (rule, resource) with a finding. A case fails only as the gate does: an
 * unwaived finding at or above --fail-on (against a baseline: a new one); the others pass, their
 * findings in <system-out> (without a gate, --fail-on none, every finding fails). A case whose findings are all waived is <skipped message="waived: ...">.
 * A suite without findings gets one passing test case so that "checked and clean" is visible.
 * XML is built (and escaped) by fast-xml-builder.
 */
import XMLBuilder from 'fast-xml-builder';
import { gatedFindings, type Finding, type FindingsDocument } from '../checks/findings.js';
import { SEVERITIES, type Severity } from '../checks/engine/metadata.js';
import { xml, xmlLines } from './escape.js';

export interface JunitOptions {
  /** The run's --fail-on (default info: every unwaived finding fails). */
  failOn?: Severity | 'none';
}

const SOURCE_ORDER = ['synth', 'plan', 'state', 'live', 'drift'];

/** Text already escaped line by line (xmlLines): only what XML 1.0 cannot carry is dropped. Raw values go through `xml` (reports/escape.ts). */
function xmlSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function subjectOf(f: Finding): string {
  return f.identity ?? f.resource.name;
}

function where(f: Finding): string {
  const r = f.resource;
  return r.constructPath ?? r.address ?? r.arn ?? `${r.type} ${r.name}`;
}

function describe(f: Finding): string {
  const lines = [`[${f.severity}] ${f.message}`, `  at ${where(f)}${f.resource.file ? ` (${f.resource.file})` : ''}`];
  if (f.owner) lines.push(`  owner: ${f.owner}`);
  if (f.waived && f.waiver) lines.push(`  waived: ${f.waiver.reason} (owner ${f.waiver.owner}, expires ${f.waiver.expiresOn})`);
  else if (f.remediation) lines.push(`  fix: ${f.remediation}`);
  return xmlLines(lines);
}

function waivedMessage(fs: Finding[]): string {
  const reasons = [...new Set(fs.map((f) => (f.waiver ? `${f.waiver.reason} (expires ${f.waiver.expiresOn})` : 'waived')))];
  return `waived: ${reasons.join('; ')}`;
}

interface Case {
  classname: string;
  name: string;
  findings: Finding[];
}

type XmlNode = Record<string, unknown>;

function caseNode(c: Case, suite: string, fails: (f: Finding) => boolean): { node: XmlNode; failed: boolean; skipped: boolean } {
  const open = c.findings.filter(fails);
  const node: XmlNode = { '@_name': xml(c.name), '@_classname': xml(`${suite}.${c.classname}`), '@_time': '0' };
  if (c.findings.some((f) => !f.waived) && open.length === 0) {
    // Below the gate (or existing in the baseline): passed, the findings still listed.
    node['system-out'] = xmlSafe(c.findings.map(describe).join('\n'));
    return { node, failed: false, skipped: false };
  }
  if (open.length) {
    const worst = SEVERITIES.find((s) => open.some((f) => f.severity === s))!;
    const first = open[0]!;
    node.failure = {
      '@_message': xml(open.length === 1 ? first.message : `${open.length} findings; first: ${first.message}`),
      '@_type': worst,
      '#text': xmlSafe(c.findings.map(describe).join('\n')),
    };
    return { node, failed: true, skipped: false };
  }
  node.skipped = { '@_message': xml(waivedMessage(c.findings)), '#text': xmlSafe(c.findings.map(describe).join('\n')) };
  return { node, failed: false, skipped: true };
}

export function renderJunit(doc: FindingsDocument, opts: JunitOptions = {}): string {
  const failOn = opts.failOn ?? 'info';
  const gated = new Set(gatedFindings(doc));
  const fails = (f: Finding) => failOn !== 'none' && gated.has(f) && SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(failOn);
  const kinds = new Set<string>();
  for (const i of doc.inputs) kinds.add(i.kind === 'snapshot' ? 'live' : i.kind);
  for (const f of doc.findings) kinds.add(f.source);
  const order = [...kinds].sort((a, b) => {
    const ia = SOURCE_ORDER.indexOf(a);
    const ib = SOURCE_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  if (order.length === 0) order.push('nhi-guard');

  let totalTests = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  const suites: XmlNode[] = [];
  for (const kind of order) {
    const suiteName = `nhi-guard.${kind}`;
    const cases = new Map<string, Case>();
    for (const f of doc.findings) {
      if (f.source !== kind) continue;
      const subject = subjectOf(f);
      const r = f.resource;
      const key = [f.ruleId, r.stack ?? '', r.address ?? r.arn ?? `${r.type}:${r.name}`].join('\u0000');
      let c = cases.get(key);
      if (!c) {
        c = { classname: subject, name: `${f.ruleId}: ${f.title} (${where(f)})`, findings: [] };
        cases.set(key, c);
      }
      c.findings.push(f);
    }
    const nodes: XmlNode[] = [];
    let failures = 0;
    let skipped = 0;
    for (const c of [...cases.values()].sort((a, b) => a.classname.localeCompare(b.classname) || a.name.localeCompare(b.name))) {
      const r = caseNode(c, suiteName, fails);
      nodes.push(r.node);
      if (r.failed) failures++;
      if (r.skipped) skipped++;
    }
    if (nodes.length === 0) {
      const files = doc.inputs.filter((i) => (i.kind === 'snapshot' ? 'live' : i.kind) === kind).length;
      nodes.push({ '@_name': xml(`no findings in ${files} ${kind} input(s)`), '@_classname': `${suiteName}.summary`, '@_time': '0' });
    }
    totalTests += nodes.length;
    totalFailures += failures;
    totalSkipped += skipped;
    suites.push({
      '@_name': suiteName,
      '@_tests': String(nodes.length),
      '@_failures': String(failures),
      '@_errors': '0',
      '@_skipped': String(skipped),
      '@_time': '0',
      '@_timestamp': doc.generatedAt.replace(/\.\d+Z$/, 'Z').replace(/Z$/, ''),
      properties: {
        property: [
          { '@_name': 'tool', '@_value': `${doc.tool.name} ${doc.tool.version}` },
          { '@_name': 'now', '@_value': doc.now },
          ...doc.inputs.filter((i) => (i.kind === 'snapshot' ? 'live' : i.kind) === kind).map((i) => ({ '@_name': 'input', '@_value': xml(i.file) })),
        ],
      },
      testcase: nodes,
    });
  }
  // An incomplete live scan fails a test case of its own: a CI dashboard never shows it green.
  const gaps = doc.gaps ?? [];
  if (gaps.length) {
    const text = xmlLines(gaps.map((g) => `${g.service} ${g.operation}${g.target ? ` (${g.target})` : ''}${g.region ? ` in ${g.region}` : ''}: ${g.error}`));
    suites.push({
      '@_name': 'nhi-guard.completeness',
      '@_tests': '1',
      '@_failures': '1',
      '@_errors': '0',
      '@_skipped': '0',
      '@_time': '0',
      testcase: [
        {
          '@_name': 'every part of the account was read',
          '@_classname': 'nhi-guard.completeness',
          '@_time': '0',
          failure: {
            '@_message': xmlSafe(`incomplete: ${gaps.length} part(s) of the account could not be read`),
            '@_type': 'incomplete',
            '#text': xmlSafe(text),
          },
        },
      ],
    });
    totalTests++;
    totalFailures++;
  }
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true, processEntities: true });
  const body = builder.build({
    testsuites: {
      '@_name': 'nhi-guard',
      '@_tests': String(totalTests),
      '@_failures': String(totalFailures),
      '@_errors': '0',
      '@_skipped': String(totalSkipped),
      '@_time': '0',
      testsuite: suites,
    },
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.endsWith('\n') ? body : body + '\n'}`;
}
