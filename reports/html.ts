/**
 * The nightly report: one self-contained HTML file (inline CSS and SVG, no script, no external
 * font, image or link that the browser would fetch). Findings grouped by owner (by account, then
 * owner, when the document covers more than one AWS account), the inventory
 * table, the identities expired or expiring soon, the trend over the history documents, and,
 * when the live scan was incomplete, what could not be read (such a report never says "clean").
 *
 * Every piece of text from the document goes through fast-xml-builder (the XML builder the JUnit
 * report uses), which escapes text and attribute values; the page shell around it is constant.
 */
import path from 'node:path';
import XMLBuilder from 'fast-xml-builder';
import { printable } from '../checks/errors.js';
import { SEVERITIES, type Severity } from '../checks/engine/metadata.js';
import type { Finding, FindingsDocument, TrendPoint } from '../checks/findings.js';
import type { InventoryRow } from '../checks/inventoryRows.js';
import type { Gap } from '../checks/model.js';
import { driftAccountsNote, notComparedNote, selectionNote } from './notes.js';
import { findingNamesStore, phiStoreLabel, type PhiStoreRow } from '../checks/phiStores.js';
import { accessStores, principalCount, type AccessStoreSummary } from '../checks/access/summary.js';

/** A node in fast-xml-builder's ordered form: `{tag: children, ':@': attributes}` or `{'#text': s}`. */
type Node = Record<string, unknown>;
type Attrs = Record<string, string | number>;
type Child = Node | string | number | null | undefined | false;

/**
 * One HTML or SVG element; strings become (escaped) text nodes, empty children are dropped. Control
 * characters and bidirectional overrides from the input are shown as `\uXXXX`, as in the text and
 * Markdown reports: a name with U+202E must not read reversed in a report an auditor relies on.
 */
export function h(tag: string, attrs: Attrs | null, ...children: Child[]): Node {
  const kids = children.filter((c) => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'object' ? c : { '#text': printable(String(c)) }));
  const node: Node = { [tag]: kids };
  if (attrs && Object.keys(attrs).length) node[':@'] = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, printable(String(v))]));
  return node;
}

const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', suppressEmptyNode: false });

export function build(nodes: Node[]): string {
  return builder.build(nodes);
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '');
const UNOWNED = '(no owner)';

export const CSS = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#f6f8fa;font-size:14px;line-height:1.45}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.meta{color:#59636e;margin:0 0 16px}
.banner{padding:12px 16px;border-radius:6px;font-weight:600;margin:12px 0}
.banner.clean{background:#dafbe1;border:1px solid #4ac26b}
.banner.findings{background:#fff1e5;border:1px solid #fb8f44}
.banner.incomplete{background:#ffebe9;border:1px solid #ff8182}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 16px;min-width:110px}
.card .n{font-size:22px;font-weight:700;display:block}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.num{text-align:right}
td.date{white-space:nowrap}
.sev{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
.sev-critical{background:#a40e26}.sev-high{background:#bc4c00}.sev-medium{background:#9a6700}.sev-low{background:#0969da}.sev-info{background:#6e7781}
.sub{color:#59636e;font-size:12px;display:block;overflow-wrap:anywhere}
.waived{color:#59636e;text-decoration:line-through}
.chart{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px}
.empty{color:#59636e;font-style:italic}
ul.gaps li{margin:2px 0}
tr.identity-group td{background:#f6f8fa;font-weight:600;border-top:2px solid #d0d7de}
.new{display:inline-block;border-radius:10px;padding:0 6px;font-size:11px;font-weight:700;background:#0969da;color:#fff;margin-left:4px}
details.fix{margin-top:4px}
details.fix summary{cursor:default;color:#0969da;font-size:12px}
.refs{color:#59636e;font-size:12px;display:block}
.bl{display:inline-block;border-radius:10px;padding:0 6px;font-size:11px;font-weight:700;margin-left:4px}
.bl-new{background:#cf222e;color:#fff}.bl-existing{background:#eaeef2;color:#24292f}
.banner.selection{background:#ddf4ff;border-color:#54aeff}
`;

function sevBadge(s: Severity): Node {
  return h('span', { class: `sev sev-${s}` }, s);
}

function total(doc: FindingsDocument): number {
  return SEVERITIES.reduce((n, s) => n + doc.summary.bySeverity[s], 0);
}

function banner(doc: FindingsDocument, gaps: Gap[]): Node {
  const n = total(doc);
  if (gaps.length) {
    return h(
      'div',
      { class: 'banner incomplete', id: 'status' },
      `Incomplete: ${gaps.length} part(s) of the account could not be read, so this report is not complete (${n} open finding(s) in what was read). See "Not read" below.`,
    );
  }
  if (n === 0) return h('div', { class: 'banner clean', id: 'status' }, `Clean: no open findings (${doc.summary.waived} waived).`);
  const parts = SEVERITIES.filter((s) => doc.summary.bySeverity[s] > 0).map((s) => `${doc.summary.bySeverity[s]} ${s}`);
  const base = doc.baseline
    ? ` Against the baseline: ${doc.baseline.new} new, ${doc.baseline.existing} existing, ${doc.baseline.resolved.length} resolved.`
    : '';
  return h('div', { class: 'banner findings', id: 'status' }, `${n} open finding(s): ${parts.join(', ')}; ${doc.summary.waived} waived.${base}`);
}

function cards(doc: FindingsDocument): Node {
  const c = (label: string, n: number, cls = '') => h('div', { class: `card ${cls}`.trim() }, h('span', { class: 'n' }, n), label);
  return h(
    'div',
    { class: 'cards' },
    ...SEVERITIES.map((s) => c(s, doc.summary.bySeverity[s], `card-${s}`)),
    c('waived', doc.summary.waived),
    c('identities', doc.summary.identities),
  );
}

function gapsSection(gaps: Gap[]): Node[] {
  if (!gaps.length) return [];
  return [
    h('h2', { id: 'gaps' }, 'Not read (incomplete scan)'),
    h(
      'ul',
      { class: 'gaps' },
      ...gaps.map((g) =>
        h(
          'li',
          null,
          `${g.account ? `account ${g.account}: ` : ''}${g.service} ${g.operation}${g.region ? ` (${g.region})` : ''}${g.target ? ` for ${g.target}` : ''}: ${g.error}`,
        ),
      ),
    ),
  ];
}

// --- trend chart ---------------------------------------------------------------------------

const CHART = { w: 1100, h: 260, left: 48, right: 16, top: 36, bottom: 36 };

export function trendChart(points: TrendPoint[]): Node {
  const { w, h: height, left, right, top, bottom } = CHART;
  const innerW = w - left - right;
  const innerH = height - top - bottom;
  const max = Math.max(1, ...points.map((p) => p.total));
  const x = (i: number) => left + (points.length === 1 ? innerW / 2 : (innerW * i) / (points.length - 1));
  const y = (v: number) => top + innerH - (innerH * v) / max;
  const fmt = (v: number) => v.toFixed(1);
  const serious = (p: TrendPoint) => p.bySeverity.critical + p.bySeverity.high;
  const line = (f: (p: TrendPoint) => number, cls: string, color: string) =>
    h('polyline', { class: cls, fill: 'none', stroke: color, 'stroke-width': 2, points: points.map((p, i) => `${fmt(x(i))},${fmt(y(f(p)))}`).join(' ') });
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  const children: Node[] = [
    h('title', null, `Open findings over ${points.length} run(s)`),
    h('line', { x1: left, y1: top + innerH, x2: w - right, y2: top + innerH, stroke: '#8c959f' }),
    h('line', { x1: left, y1: top, x2: left, y2: top + innerH, stroke: '#8c959f' }),
    ...ticks.map((t) => h('text', { x: left - 6, y: fmt(y(t) + 4), 'text-anchor': 'end', 'font-size': 11, fill: '#59636e' }, t)),
  ];
  if (points.length > 1) {
    children.push(
      line((p) => p.total, 'trend-total', '#24292f'),
      line(serious, 'trend-serious', '#cf222e'),
    );
  }
  points.forEach((p, i) => {
    const summary =
      SEVERITIES.filter((s) => p.bySeverity[s] > 0)
        .map((s) => `${p.bySeverity[s]} ${s}`)
        .join(', ') || 'none';
    const style: Attrs = p.incomplete ? { fill: '#ffffff', stroke: '#cf222e', 'stroke-width': 2 } : { fill: '#24292f' };
    const note = p.incomplete ? ', incomplete scan: at least this many' : '';
    children.push(
      h(
        'circle',
        {
          class: p.incomplete ? 'trend-point incomplete' : 'trend-point',
          'data-generated-at': p.generatedAt,
          'data-total': p.total,
          cx: fmt(x(i)),
          cy: fmt(y(p.total)),
          r: 4,
          ...style,
        },
        h('title', null, `${p.generatedAt}: ${p.total} open (${summary})${note}`),
      ),
    );
  });
  const label = (i: number, anchor: string) =>
    h('text', { x: fmt(x(i)), y: height - 12, 'text-anchor': anchor, 'font-size': 11, fill: '#59636e' }, day(points[i]!.generatedAt));
  if (points.length) children.push(label(0, points.length === 1 ? 'middle' : 'start'));
  if (points.length > 1) children.push(label(points.length - 1, 'end'));
  children.push(
    h('text', { x: w - right - 130, y: 16, 'text-anchor': 'end', 'font-size': 11, fill: '#24292f' }, '— all open findings'),
    h('text', { x: w - right, y: 16, 'text-anchor': 'end', 'font-size': 11, fill: '#cf222e' }, '— critical + high'),
  );
  return h(
    'svg',
    {
      id: 'trend-chart',
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${w} ${height}`,
      width: '100%',
      role: 'img',
      'aria-label': `Open findings over ${points.length} run(s)`,
    },
    ...children,
  );
}

// --- findings by owner -----------------------------------------------------------------------

function where(f: Finding): string {
  const r = f.resource;
  return r.address ?? r.arn ?? r.constructPath ?? `${r.type} ${r.name}`;
}

/** OWASP NHI, NIST CSF and HIPAA references of a finding's rule, as one line. */
export function referencesText(f: Pick<Finding, 'references'>): string {
  const r = f.references;
  return [
    r.owasp.length ? `OWASP NHI ${r.owasp.join(', ')}` : '',
    r.nistCsf.length ? `NIST CSF ${r.nistCsf.join(', ')}` : '',
    r.hipaa.length ? `HIPAA ${r.hipaa.map((x) => `§${x}`).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function findingRow(f: Finding, fresh: ReadonlySet<string>): Node {
  const isNew = !!f.fingerprint && fresh.has(f.fingerprint);
  const evidence = (f.evidence ?? []).map((e) => e.address ?? e.arn ?? `${e.type} ${e.name}`);
  // Against a baseline (--baseline): new (what the gate judges) or existing (already in the baseline).
  const state = f.baseline;
  return h(
    'tr',
    { class: `${f.waived ? 'finding waived' : 'finding'}${isNew ? ' new-finding' : ''}`, 'data-rule': f.ruleId, ...(state ? { 'data-baseline': state } : {}) },
    h(
      'td',
      null,
      sevBadge(f.severity),
      isNew ? h('span', { class: 'new' }, 'new') : null,
      state
        ? h(
            'span',
            { class: `bl bl-${state}`, title: state === 'new' ? 'not in the baseline: judged by the gate' : 'in the baseline: not judged by the gate' },
            state === 'new' ? 'new vs baseline' : 'existing',
          )
        : null,
    ),
    h('td', null, f.ruleId, h('span', { class: 'sub' }, f.title)),
    h(
      'td',
      null,
      f.resource.name,
      h('span', { class: 'sub' }, where(f)),
      evidence.length ? h('span', { class: 'sub' }, `evidence: ${evidence.join(', ')}`) : null,
    ),
    h(
      'td',
      null,
      f.message,
      f.waived && f.waiver ? h('span', { class: 'sub' }, `waived until ${f.waiver.expiresOn} by ${f.waiver.owner}: ${f.waiver.reason}`) : null,
      f.remediation ? h('details', { class: 'fix' }, h('summary', null, 'How to fix'), f.remediation) : null,
      h('span', { class: 'refs' }, referencesText(f)),
    ),
    h('td', null, f.source),
  );
}

/** The identity a finding is about (its identity, else its resource): rows are grouped by it within an owner. */
const identityOf = (f: Finding): string => f.identity ?? f.resource.name;

export function ownersOf(doc: FindingsDocument): string[] {
  // The worst open severity of each owner, in one pass (not one per comparison).
  const worst = new Map<string, number>();
  for (const f of doc.findings) {
    const o = f.owner ?? UNOWNED;
    worst.set(o, Math.min(worst.get(o) ?? 99, f.waived ? 99 : rank(f.severity)));
  }
  return [...worst.keys()].sort((a, b) => (a === UNOWNED ? 1 : 0) - (b === UNOWNED ? 1 : 0) || worst.get(a)! - worst.get(b)! || a.localeCompare(b));
}

function ownerTables(doc: FindingsDocument, findings: Finding[], tag: 'h3' | 'h4'): Node[] {
  const out: Node[] = [];
  const fresh = new Set(doc.sincePrevious?.new ?? []);
  for (const owner of ownersOf({ ...doc, findings })) {
    const fs = findings.filter((f) => (f.owner ?? UNOWNED) === owner);
    const open = fs.filter((f) => !f.waived).length;
    // Grouped by identity, the identity with the worst finding first (findings are sorted worst first).
    const groups = new Map<string, Finding[]>();
    for (const f of fs) {
      const list = groups.get(identityOf(f));
      if (list) list.push(f);
      else groups.set(identityOf(f), [f]);
    }
    const rows: Node[] = [];
    for (const [identity, list] of groups) {
      rows.push(h('tr', { class: 'identity-group', 'data-identity': identity }, h('td', { colspan: 5 }, `${identity}: ${list.length} finding(s)`)));
      rows.push(...list.map((f) => findingRow(f, fresh)));
    }
    out.push(
      h(tag, { class: 'owner' }, `${owner}: ${open} open${fs.length > open ? `, ${fs.length - open} waived` : ''}`),
      h(
        'table',
        { class: 'findings' },
        h(
          'thead',
          null,
          h('tr', null, h('th', null, 'Severity'), h('th', null, 'Rule'), h('th', null, 'Resource'), h('th', null, 'Finding'), h('th', null, 'Source')),
        ),
        h('tbody', null, ...rows),
      ),
    );
  }
  return out;
}

/** The accounts of a document (live runs): from its findings, gaps and `aws:<account>/<region>` inputs, with the regions read. */
export function accountsOf(doc: FindingsDocument): Map<string, string[]> {
  const m = new Map<string, Set<string>>();
  const add = (a: string | undefined) => a && !m.has(a) && m.set(a, new Set());
  for (const i of doc.inputs) {
    const x = /^aws:(\d{12})\/([a-z0-9-]+)$/.exec(i.file);
    if (x) {
      add(x[1]);
      m.get(x[1]!)!.add(x[2]!);
    }
  }
  for (const f of doc.findings) add(f.account);
  for (const g of doc.gaps ?? []) add(g.account);
  return new Map([...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([a, r]) => [a, [...r].sort()]));
}

function findingsSection(doc: FindingsDocument): Node[] {
  const accounts = accountsOf(doc);
  if (accounts.size > 1) return accountSections(doc, accounts);
  const out: Node[] = [h('h2', { id: 'findings' }, 'Findings by owner')];
  if (!doc.findings.length) return [...out, h('p', { class: 'empty' }, 'No findings.')];
  return [...out, ...ownerTables(doc, doc.findings, 'h3')];
}

/** More than one account: findings by account, then by owner; every account is listed, with its regions and gaps. */
function accountSections(doc: FindingsDocument, accounts: Map<string, string[]>): Node[] {
  const out: Node[] = [h('h2', { id: 'findings' }, `Findings by account (${accounts.size} accounts), then owner`)];
  for (const [account, regions] of accounts) {
    const fs = doc.findings.filter((f) => f.account === account);
    const gaps = (doc.gaps ?? []).filter((g) => g.account === account);
    const open = fs.filter((f) => !f.waived).length;
    out.push(
      h(
        'h3',
        { class: 'account', id: `account-${account}`, 'data-account': account },
        `Account ${account}: ${open} open${gaps.length ? `, ${gaps.length} part(s) not read` : ''}${coverage(doc, account)}`,
      ),
      h('p', { class: 'meta' }, `Regions read: ${regions.join(', ') || 'none'}`),
      ...(fs.length ? ownerTables(doc, fs, 'h4') : [h('p', { class: 'empty' }, 'No findings.')]),
    );
  }
  const other = doc.findings.filter((f) => !f.account || !accounts.has(f.account));
  if (other.length) out.push(h('h3', { class: 'account' }, 'Declared sources'), ...ownerTables(doc, other, 'h4'));
  return out;
}

/** drift --org: whether a declaration covered the account. */
function coverage(doc: FindingsDocument, account: string): string {
  const d = doc.driftAccounts;
  if (d?.declared.includes(account)) return ' (declared)';
  return d?.undeclared.includes(account) ? ' (not covered by the declaration)' : '';
}

/** With --history: what is new since the previous run and what was resolved. */
function changesSection(doc: FindingsDocument): Node[] {
  const since = doc.sincePrevious;
  if (!since) return [];
  const fresh = new Set(since.new);
  const added = doc.findings.filter((f) => f.fingerprint && fresh.has(f.fingerprint));
  const line = (f: Finding) => h('li', null, sevBadge(f.severity), ` ${f.ruleId} ${identityOf(f)} (${f.owner ?? UNOWNED}): ${f.message}`);
  return [
    h('h2', { id: 'changes' }, `Since the previous run (${since.generatedAt})`),
    h('p', { class: 'meta', id: 'changes-summary' }, `${added.length} new finding(s), ${since.resolved.length} resolved.`),
    added.length ? h('h3', null, 'New') : null,
    added.length ? h('ul', { class: 'new-findings' }, ...added.map(line)) : null,
    since.resolved.length ? h('h3', null, 'Resolved') : null,
    since.resolved.length ? h('ul', { class: 'resolved-findings' }, ...since.resolved.map(line)) : null,
  ].filter((n): n is Node => !!n);
}

/** With --baseline: what the run was compared against, the counts, and the baseline's findings that are gone. */
function baselineSection(doc: FindingsDocument): Node[] {
  const base = doc.baseline;
  if (!base) return [];
  const line = (f: Finding) => h('li', null, sevBadge(f.severity), ` ${f.ruleId} ${identityOf(f)} (${f.owner ?? UNOWNED}): ${f.message}`);
  const fresh = doc.findings.filter((f) => f.baseline === 'new' && !f.waived);
  return [
    h('h2', { id: 'baseline' }, `Against the baseline ${base.file} (${base.generatedAt})`),
    h(
      'p',
      { class: 'meta', id: 'baseline-summary' },
      `${base.new} new, ${base.existing} existing, ${base.resolved.length} resolved. The gate judges the new findings only; the existing ones are marked in the tables below.`,
    ),
    base.notEvaluated > 0
      ? h(
          'p',
          { class: 'meta', id: 'baseline-not-evaluated' },
          `${base.notEvaluated} finding(s) of the baseline belong to rules this run did not evaluate; they are neither resolved nor existing.`,
        )
      : null,
    h('h3', null, `New (${fresh.length} open)`),
    fresh.length ? h('ul', { class: 'baseline-new' }, ...fresh.map(line)) : h('p', { class: 'empty' }, 'No new finding.'),
    h('h3', null, `Resolved (${base.resolved.length})`),
    base.resolved.length
      ? h('ul', { class: 'baseline-resolved' }, ...base.resolved.map(line))
      : h('p', { class: 'empty' }, 'No finding of the baseline was resolved.'),
  ].filter((n): n is Node => !!n);
}

/** With --rule/--skip-rule/--severity-override: the rules not reported, with their findings, and the severities changed. */
function selectionSection(doc: FindingsDocument): Node[] {
  const sel = doc.selection;
  if (!sel || (!sel.skipped.length && !sel.severityOverrides.length && !sel.rule.length)) return [];
  return [
    h('h2', { id: 'selection' }, 'Rule selection'),
    h(
      'p',
      { class: 'meta', id: 'selection-flags' },
      [sel.rule.length ? `--rule ${sel.rule.join(', ')}` : '', sel.skipRule.length ? `--skip-rule ${sel.skipRule.join(', ')}` : '']
        .filter(Boolean)
        .join('; ') || 'every rule reported',
    ),
    sel.skipped.length
      ? h(
          'table',
          { class: 'skipped-rules' },
          h('thead', null, h('tr', null, h('th', null, 'Rule not reported'), h('th', null, 'Severity'), h('th', null, 'Findings it had in this run'))),
          h(
            'tbody',
            null,
            ...sel.skipped.map((r) =>
              h(
                'tr',
                { class: 'skipped-rule', 'data-rule': r.id },
                h('td', null, r.id, h('span', { class: 'sub' }, r.title)),
                h('td', null, sevBadge(r.severity)),
                h('td', { class: 'num' }, r.findings),
              ),
            ),
          ),
        )
      : null,
    sel.severityOverrides.length
      ? h(
          'table',
          { class: 'severity-overrides' },
          h('thead', null, h('tr', null, h('th', null, 'Rule'), h('th', null, 'Pack severity'), h('th', null, 'Reported as'))),
          h(
            'tbody',
            null,
            ...sel.severityOverrides.map((o) =>
              h(
                'tr',
                { class: 'severity-override', 'data-rule': o.ruleId },
                h('td', null, o.ruleId),
                h('td', null, sevBadge(o.from)),
                h('td', null, sevBadge(o.to)),
              ),
            ),
          ),
        )
      : null,
  ].filter((n): n is Node => !!n);
}

// --- inventory -------------------------------------------------------------------------------

function expiryText(r: InventoryRow): string {
  if (!r.expiresOn) return '';
  return r.daysLeft === undefined ? r.expiresOn : `${r.expiresOn} (${r.daysLeft < 0 ? `${-r.daysLeft} days ago` : `in ${r.daysLeft} days`})`;
}

function lastUsedText(r: InventoryRow): string {
  if (r.lastUsed === null) return 'never';
  return day(r.lastUsed);
}

function rotatedText(r: InventoryRow): string {
  const every = r.rotationDays ? `every ${r.rotationDays} days` : '';
  const last = r.lastRotated === null ? 'never' : day(r.lastRotated);
  return [last, every].filter(Boolean).join(', ');
}

function statusText(r: InventoryRow): string {
  const parts = [r.status, r.findings ? `${r.findings} open finding(s)` : 'no open findings'];
  return parts.filter(Boolean).join('; ');
}

/** An access key or login profile names the user it belongs to. */
function rowName(r: InventoryRow, names: Map<string, string>): string {
  const user = r.identity ? (names.get(r.identity) ?? r.identity) : undefined;
  return user && r.element === 'credential' && r.kind !== 'secret' ? `${r.name} (${r.kind} of user ${user})` : r.name;
}

function inventorySection(rows: InventoryRow[]): Node[] {
  const names = new Map(rows.filter((r) => r.element === 'identity').map((r) => [r.id, r.name]));
  const out: Node[] = [h('h2', { id: 'inventory' }, 'Inventory')];
  if (!rows.length) return [...out, h('p', { class: 'empty' }, 'No identities or credentials.')];
  const unowned = (r: InventoryRow) => (r.owner === undefined ? 1 : 0);
  const sorted = [...rows].sort(
    (a, b) => unowned(a) - unowned(b) || (a.owner ?? '').localeCompare(b.owner ?? '') || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
  );
  out.push(
    h(
      'table',
      { class: 'inventory' },
      h('thead', null, h('tr', null, ...['Identity', 'Kind', 'Owner', 'Expiry', 'Last used', 'Last rotated', 'Status'].map((t) => h('th', null, t)))),
      h(
        'tbody',
        null,
        ...sorted.map((r) =>
          h(
            'tr',
            { class: 'inventory-row', 'data-id': r.id },
            h('td', null, rowName(r, names), h('span', { class: 'sub' }, r.arn ?? r.address ?? r.id)),
            h('td', null, r.kind, r.identityKind ? h('span', { class: 'sub' }, r.identityKind) : null),
            h('td', null, r.owner ?? UNOWNED),
            h('td', null, expiryText(r)),
            h('td', { class: 'date' }, lastUsedText(r)),
            h('td', { class: 'date' }, rotatedText(r)),
            h('td', null, statusText(r)),
          ),
        ),
      ),
    ),
  );
  return out;
}

/** Expired (NHI-EXP-002) or expiring soon (NHI-EXP-004): the rules decide, this lists. */
function expiringSection(doc: FindingsDocument, rows: InventoryRow[]): Node[] {
  const window = doc.expiringSoonDays;
  const out: Node[] = [h('h2', { id: 'expiring' }, `Expired or expiring soon${window === undefined ? '' : ` (within ${window} days)`}`)];
  const key = (x: { arn?: string; address?: string; name: string }) => x.arn ?? x.address ?? x.name;
  const ids = new Set<string>();
  for (const f of doc.findings) if (f.ruleId === 'NHI-EXP-002' || f.ruleId === 'NHI-EXP-004') ids.add(key(f.resource));
  const hits = rows.filter((r) => ids.has(key(r)) && r.expiresOn).sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
  if (!hits.length)
    return [
      ...out,
      h('p', { class: 'empty' }, window === undefined ? 'Nothing expires within the window.' : `Nothing has expired or expires within ${window} days.`),
    ];
  out.push(
    h(
      'ul',
      { class: 'expiring' },
      ...hits.map((r) => h('li', { class: 'expiring-item' }, `${r.name} (${r.kind}, owner ${r.owner ?? UNOWNED}): ${expiryText(r)}`)),
    ),
  );
  return out;
}

// --- PHI stores ------------------------------------------------------------------------------

/**
 * The NHI-LP-008 findings that name a store: the store's id among the finding's stores (or its
 * kind among storeKinds, a grant on every store of the kind), in the store's account when both say
 * theirs (findings of declared sources carry none).
 */
export function lp008Of(doc: FindingsDocument, s: PhiStoreRow): Finding[] {
  return doc.findings.filter((f) => f.ruleId === 'NHI-LP-008' && (!f.account || !s.account || f.account === s.account) && findingNamesStore(f, s));
}

/** Every PHI store with its account, region and data class, and the NHI-LP-008 findings that name it. */
function phiStoresSection(doc: FindingsDocument): Node[] {
  const stores = doc.phiStores;
  if (!stores) return [];
  const out: Node[] = [h('h2', { id: 'phi-stores' }, `PHI stores (${stores.length})`)];
  if (!stores.length) return [...out, h('p', { class: 'empty' }, 'No data store of data-class phi in these inputs.')];
  out.push(
    h(
      'table',
      { class: 'phi-stores' },
      h('thead', null, h('tr', null, ...['Account', 'Region', 'Store', 'Data class', 'Owner', 'NHI-LP-008'].map((t) => h('th', null, t)))),
      h(
        'tbody',
        null,
        ...stores.map((s) => {
          const fs = lp008Of(doc, s);
          const open = fs.filter((f) => !f.waived);
          return h(
            'tr',
            { class: 'phi-store', 'data-store': s.id, 'data-account': s.account ?? '', 'data-lp008': open.length },
            h('td', null, s.account ?? '-'),
            h('td', null, s.region ?? (s.kind === 's3' ? 'global (S3)' : '-')),
            h('td', null, phiStoreLabel(s), h('span', { class: 'sub' }, s.arn ?? s.address ?? s.id)),
            h('td', null, s.dataClass),
            h('td', null, s.owner ?? UNOWNED),
            h(
              'td',
              null,
              fs.length ? `${open.length} open${fs.length > open.length ? `, ${fs.length - open.length} waived` : ''}` : 'none',
              ...fs.map((f) => h('span', { class: f.waived ? 'sub waived' : 'sub' }, `${f.identity ?? f.resource.name}: ${f.message}`)),
            ),
          );
        }),
      ),
    ),
  );
  return out;
}

// --- the PHI access map (also the page of `nhi-guard access --format html`) ---------------------

const VIA: Record<string, string> = { 'identity-policy': 'own policy', 'resource-policy': 'resource policy', 'role-chain': 'role chain' };

/** "2026-05-01 (205d ago)", "never", or "-" when the source does not know (declarations). */
export function accessLastUsed(p: { lastUsed?: string | null; daysSinceUsed?: number | null }): string {
  if (p.lastUsed === undefined) return '-';
  if (p.lastUsed === null) return 'never';
  return `${p.lastUsed.slice(0, 10)}${typeof p.daysSinceUsed === 'number' ? ` (${p.daysSinceUsed}d ago)` : ''}`;
}

/** `byAccount`: the stores span more than one account, so each names its own. */
export function storeHeading(s: AccessStoreSummary, byAccount = false): string {
  const n = principalCount(s);
  return `${s.label} (${byAccount && s.account ? `account ${s.account}, ` : ''}data-class ${s.dataClass}${s.owner ? `, owner ${s.owner}` : ''}${s.maxReach ? `, max-reach ${s.maxReach}` : ''}): ${n} principal${n === 1 ? '' : 's'}`;
}

/** One section per store: who reaches it, with access, way in, path, owner and last use. */
export function accessSection(stores: AccessStoreSummary[]): Node[] {
  if (stores.length === 0) return [h('p', { class: 'empty' }, 'No data store of data-class phi or pii is declared in these inputs.')];
  const byAccount = new Set(stores.map((s) => s.account ?? '')).size > 1;
  return stores.map((s) =>
    h(
      'section',
      { class: 'store', ...(s.account ? { 'data-account': s.account } : {}) },
      h('h3', null, storeHeading(s, byAccount)),
      s.reaches.length === 0
        ? h('p', { class: 'empty' }, 'Nobody reaches it.')
        : h(
            'table',
            null,
            h('thead', null, h('tr', null, ...['Principal', 'Access', 'Via', 'Path', 'Owner', 'Last used'].map((c) => h('th', null, c)))),
            h(
              'tbody',
              null,
              ...s.reaches.map((e) =>
                h(
                  'tr',
                  null,
                  h('td', null, e.principal.label),
                  h('td', null, e.levels.join(', ')),
                  h('td', null, VIA[e.via] ?? e.via),
                  h('td', null, h('span', { class: 'sub' }, e.route ?? 'its own policy (nhi-guard access shows the statement)')),
                  h('td', null, e.principal.owner ?? '-'),
                  h('td', { class: 'date' }, accessLastUsed(e.principal)),
                ),
              ),
            ),
          ),
    ),
  );
}

/** The report's PHI access section: the stores of data-class phi (pii stores are in `nhi-guard access`). */
function phiAccessSection(doc: FindingsDocument): Node[] {
  if (!doc.access) return [];
  const phi = accessStores(doc.access).filter((s) => s.dataClass === 'phi');
  return [h('h2', { id: 'phi-access' }, `PHI access (${phi.length} data store${phi.length === 1 ? '' : 's'})`), ...accessSection(phi)];
}

/** An input path relative to the source root when it lies inside it (an AWS account or a snapshot outside stays as is). */
function shownPath(file: string, root: string | undefined): string {
  if (!root || !path.isAbsolute(file)) return file;
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function renderHtml(doc: FindingsDocument, opts: { sourceRoot?: string } = {}): string {
  const gaps = doc.gaps ?? [];
  const rows = doc.inventory ?? [];
  const trend = doc.trend ?? [];
  const inputs = doc.inputs.map((i) => `${i.kind} ${shownPath(i.file, opts.sourceRoot)}`).join(', ');
  const body: Node[] = [
    h(
      'main',
      null,
      h('h1', null, 'nhi-guard: non-human identity report'),
      h('p', { class: 'meta' }, `Generated ${doc.generatedAt} (clock ${doc.now}) by ${doc.tool.name} ${doc.tool.version} from ${inputs || 'no inputs'}.`),
      banner(doc, gaps),
      // What the run left out or re-rated, next to the status, so the report never looks cleaner than it is.
      selectionNote(doc) ? h('div', { class: 'banner selection', id: 'selection-note' }, selectionNote(doc)) : null,
      driftAccountsNote(doc) ? h('div', { class: 'banner selection', id: 'drift-accounts-note' }, driftAccountsNote(doc)) : null,
      notComparedNote(doc) ? h('div', { class: 'banner selection', id: 'not-compared-note' }, notComparedNote(doc)) : null,
      cards(doc),
      ...gapsSection(gaps),
      // The trend exists with --history only: no section without it.
      trend.length ? h('h2', { id: 'trend' }, `Trend (${trend.length} run${trend.length === 1 ? '' : 's'})`) : null,
      trend.length ? h('div', { class: 'chart' }, trendChart(trend)) : null,
      ...changesSection(doc),
      ...baselineSection(doc),
      ...selectionSection(doc),
      ...findingsSection(doc),
      ...expiringSection(doc, rows),
      ...phiStoresSection(doc),
      ...phiAccessSection(doc),
      ...inventorySection(rows),
    ),
  ];
  const title = build([h('title', null, `nhi-guard report ${day(doc.generatedAt)}`)]);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
${title}
<style>${CSS}</style>
</head>
<body>
${build(body)}
</body>
</html>
`;
}
