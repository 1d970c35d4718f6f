/**
 * A pull-request comment (GitHub-flavoured Markdown): a headline with the unwaived counts, a
 * severity table, the new identities with their owners and expiry, the identities with findings, findings grouped by identity in
 * collapsible <details> sections (worst first), and the waived findings. The gate verdict is not
 * the renderer's to know (it depends on --fail-on), so the headline states counts only.
 *
 * GitHub rejects comments over 65,536 characters; the body is kept under MARKDOWN_BUDGET and the
 * findings that do not fit are counted in a closing note pointing at the SARIF/JSON report.
 */
import type { Finding, FindingsDocument } from '../checks/findings.js';
import { mdCell, mdCellCode, mdCode } from './escape.js';
import type { InventoryRow } from '../checks/inventoryRows.js';
import { SEVERITIES, type Severity } from '../checks/engine/metadata.js';
import { driftAccountsNote, notComparedNote, selectionNote } from './notes.js';

export const GITHUB_COMMENT_LIMIT = 65_536;
export const MARKDOWN_BUDGET = 60_000;

export interface MarkdownOptions {
  /** Largest body in characters (default MARKDOWN_BUDGET). */
  budget?: number;
}

const ICON: Record<Severity, string> = {
  critical: '🟥',
  high: '🟧',
  medium: '🟨',
  low: '🟦',
  info: '⬜',
};

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Markdown escaping (reports/escape.ts): cells and lines, inline code, inline code in a table cell. */
export const cell = mdCell;
const code = mdCode;
const cellCode = mdCellCode;

function where(f: Finding): string {
  const r = f.resource;
  return r.constructPath ?? r.address ?? r.arn ?? `${r.type}.${r.name}`;
}

interface Group {
  subject: string;
  /** The AWS account, when the document covers more than one. */
  account?: string;
  owner?: string;
  open: Finding[];
  waived: Finding[];
}

/** True when the findings name more than one AWS account (an --org run, or merged per-account documents). */
function multiAccount(doc: FindingsDocument): boolean {
  return new Set(doc.findings.map((f) => f.account).filter(Boolean)).size > 1;
}

/** Findings by identity; with more than one account, by account, then owner, then identity. */
function groups(doc: FindingsDocument): Group[] {
  const byAccount = multiAccount(doc);
  const m = new Map<string, Group>();
  for (const f of doc.findings) {
    const subject = f.identity ?? f.resource.name;
    const key = byAccount ? `${f.account ?? ''}\u0000${subject}` : subject;
    let g = m.get(key);
    if (!g) {
      g = { subject, open: [], waived: [], ...(byAccount && f.account ? { account: f.account } : {}) };
      m.set(key, g);
    }
    if (!g.owner && f.owner) g.owner = f.owner;
    (f.waived ? g.waived : g.open).push(f);
  }
  const worst = (g: Group) => Math.min(...g.open.map((f) => rank(f.severity)), 99);
  const rest = (a: Group, b: Group) => worst(a) - worst(b) || b.open.length - a.open.length || a.subject.localeCompare(b.subject);
  if (!byAccount) return [...m.values()].sort(rest);
  return [...m.values()].sort((a, b) => (a.account ?? '~').localeCompare(b.account ?? '~') || (a.owner ?? '~').localeCompare(b.owner ?? '~') || rest(a, b));
}

function findingLines(f: Finding): string[] {
  const lines = [
    `- ${ICON[f.severity]} **${f.severity}** ${code(f.ruleId)} ${cell(f.message)}`,
    `  - at ${code(where(f))}${f.resource.line && f.resource.file ? ` (${code(`${f.resource.file}:${f.resource.line}`)})` : ''}`,
  ];
  if (f.remediation) lines.push(`  - fix: ${cell(f.remediation)}`);
  return lines;
}

/** A collapsible section for one identity; `shown` (default all) limits the findings listed. */
function groupSection(g: Group, shown = g.open.length): string {
  const counts = SEVERITIES.map((s) => [s, g.open.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const partial = shown < g.open.length ? ` (showing ${shown} of ${g.open.length})` : '';
  return [
    '<details>',
    `<summary>${g.account ? `account ${g.account}: ` : ''}<b>${cell(g.subject)}</b>: ${counts}${partial}; owner: ${g.owner ? cell(g.owner) : 'none'}</summary>`,
    '',
    ...g.open.slice(0, shown).flatMap(findingLines),
    '',
    '</details>',
    '',
    '',
  ].join('\n');
}

/** Live scans that could not read everything: an INCOMPLETE note and what is missing (at most 20 rows). */
function gapLines(doc: FindingsDocument): string[] {
  const gaps = doc.gaps ?? [];
  if (gaps.length === 0) return [];
  const out = [
    `> ⚠️ **INCOMPLETE**: ${gaps.length} part(s) of the account could not be read; the result is not clean.`,
    '',
    '| Service | Operation | Target | Error |',
    '|---|---|---|---|',
  ];
  for (const g of gaps.slice(0, 20))
    out.push(
      `| ${cell(g.service)} | ${cellCode(g.operation)} | ${cell([g.account ? `account ${g.account}` : '', g.target, g.region].filter(Boolean).join(' ') || '-')} | ${cell(g.error)} |`,
    );
  if (gaps.length > 20) out.push(`| … | ${gaps.length - 20} more | | see the JSON report |`);
  out.push('');
  return out;
}

/** Most new identities listed in a comment; the rest are counted. */
export const NEW_IDENTITIES_SHOWN = 50;

function expiryCell(r: InventoryRow): string {
  if (!r.expiresOn) return '**none**';
  const days = r.daysLeft === undefined ? '' : r.daysLeft < 0 ? ` (expired ${-r.daysLeft} d ago)` : ` (in ${r.daysLeft} d)`;
  return `${cell(r.expiresOn)}${days}`;
}

/** The identities this change creates: who owns them and when they must be gone. */
function newIdentityLines(doc: FindingsDocument): string[] {
  const created = (doc.inventory ?? []).filter((r) => r.element === 'identity' && (r.change === 'create' || r.change === 'replace'));
  if (created.length === 0) return [];
  // A plan says what a change creates; a synth folder declares everything, so say that instead.
  const heading = doc.inputs.some((i) => i.kind === 'plan') ? 'New identities' : 'Declared identities';
  const out = [`### ${heading} (${created.length})`, '', '| Identity | Kind | Owner | Data class | Expires | Findings |', '|---|---|---|---|---|---:|'];
  for (const r of created.slice(0, NEW_IDENTITIES_SHOWN)) {
    const kind = [r.kind, r.identityKind].filter(Boolean).join(', ');
    out.push(
      `| ${cell(r.name)} | ${cell(kind)} | ${r.owner ? cell(r.owner) : '**no owner**'} | ${r.dataClass ? cell(r.dataClass) : '-'} | ${expiryCell(r)} | ${r.findings} |`,
    );
  }
  if (created.length > NEW_IDENTITIES_SHOWN) out.push(`| … ${created.length - NEW_IDENTITIES_SHOWN} more | | | | | |`);
  out.push('');
  return out;
}

/** What the plan found changed outside Terraform since the last apply (resource_drift). */
function outOfBandLines(doc: FindingsDocument): string[] {
  const changed = (doc.inventory ?? []).filter((r) => r.changedOutside?.length);
  if (changed.length === 0) return [];
  const out = [
    `### Changed outside Terraform since the last apply (${changed.length})`,
    '',
    'This plan reverts these out-of-band changes; find out who made them and why.',
    '',
    '| Identity or credential | Owner | Changed |',
    '|---|---|---|',
  ];
  for (const r of changed.slice(0, NEW_IDENTITIES_SHOWN))
    out.push(`| ${cell(r.name)} | ${r.owner ? cell(r.owner) : '**no owner**'} | ${r.changedOutside!.map(cellCode).join(', ')} |`);
  if (changed.length > NEW_IDENTITIES_SHOWN) out.push(`| … ${changed.length - NEW_IDENTITIES_SHOWN} more | | |`);
  out.push('');
  return out;
}

export function renderMarkdown(doc: FindingsDocument, opts: MarkdownOptions = {}): string {
  const budget = Math.min(opts.budget ?? MARKDOWN_BUDGET, GITHUB_COMMENT_LIMIT);
  if (doc.baseline) return renderAgainstBaseline(doc, doc.baseline, budget);
  const open = doc.findings.filter((f) => !f.waived);
  const waived = doc.findings.filter((f) => f.waived);
  const by = doc.summary.bySeverity;
  const worst = SEVERITIES.find((s) => by[s] > 0);

  const head: string[] = [];
  head.push('<!-- nhi-guard-report -->');
  if (open.length === 0)
    head.push(doc.gaps?.length ? `## ⚠️ nhi-guard: INCOMPLETE, no findings in the part that could be read` : `## ✅ nhi-guard: no unwaived findings`);
  else {
    const parts = SEVERITIES.filter((s) => by[s] > 0).map((s) => `${by[s]} ${s}`);
    head.push(`## ${worst ? ICON[worst] : ''} nhi-guard: ${open.length} finding${open.length === 1 ? '' : 's'} (${parts.join(', ')})`.replace('##  ', '## '));
  }
  head.push('');
  head.push(...gapLines(doc));
  head.push(
    `${doc.summary.identities} identities checked from ${doc.inputs.length} input(s) (${[...new Set(doc.inputs.map((i) => i.kind))].join(', ') || 'none'}); ` +
      `${waived.length} waived; evaluated at ${doc.now.slice(0, 10)} by ${doc.tool.name} ${doc.tool.version}.`,
  );
  head.push('');
  head.push(...selectionLines(doc));
  head.push('| Severity | Findings |', '|---|---:|');
  for (const s of SEVERITIES) head.push(`| ${ICON[s]} ${s} | ${by[s]} |`);
  head.push(`| waived | ${doc.summary.waived} |`);
  head.push('');
  head.push(...newIdentityLines(doc));
  head.push(...outOfBandLines(doc));

  const gs = groups(doc);
  const withOpen = gs.filter((g) => g.open.length > 0);
  if (withOpen.length) {
    const acct = multiAccount(doc);
    head.push(
      acct ? '### Identities with findings, by account and owner' : '### Identities with findings',
      '',
      `|${acct ? ' Account |' : ''} Identity | Owner | Findings | Worst |`,
      `|${acct ? '---|' : ''}---|---|---:|---|`,
    );
    for (const g of withOpen) {
      const w = SEVERITIES.find((s) => g.open.some((f) => f.severity === s))!;
      head.push(
        `|${acct ? ` ${cell(g.account ?? '-')} |` : ''} ${cell(g.subject)} | ${g.owner ? cell(g.owner) : '**no owner**'} | ${g.open.length} | ${ICON[w]} ${w} |`,
      );
    }
    head.push('');
  }

  const tail: string[] = [];
  if (waived.length) {
    tail.push('### Waived', '', '| Rule | Identity | Reason | Waiver owner | Expires |', '|---|---|---|---|---|');
    for (const f of waived) {
      const w = f.waiver;
      tail.push(
        `| ${cellCode(f.ruleId)} | ${cell(f.identity ?? f.resource.name)} | ${w ? cell(w.reason) : 'waived'} | ${w ? cell(w.owner) : ''} | ${cell(w?.expiresOn ?? '')} |`,
      );
    }
    tail.push('');
  }

  const note = (n: number) => `> ⚠️ ${n} more finding${n === 1 ? '' : 's'} not shown; see the SARIF/JSON report.\n`;
  const waivedShort = `### Waived\n\n${waived.length} waived finding(s); see the SARIF/JSON report.\n`;
  const compose = (headLines: string[], sections: string[], hidden: number, tailText: string): string => {
    const out: string[] = [headLines.join('\n')];
    if (sections.length) out.push('### Findings by identity\n\n' + sections.join(''));
    if (hidden > 0) out.push(note(hidden));
    if (tailText) out.push(tailText);
    return out.join('\n');
  };
  // The largest the parts around the sections can be: head, section heading, note, joins.
  const frame = (headLines: string[], tailText: string) => compose(headLines, ['x'], open.length, tailText).length - 1;

  let tailText = tail.length ? tail.join('\n') + '\n' : '';
  if (frame(head, tailText) > budget && waived.length) tailText = waivedShort;
  let headLines = head;
  if (frame(headLines, tailText) > budget) {
    // Thousands of identities: the identity table goes too.
    const cut = head.indexOf('### Identities with findings');
    if (cut >= 0) headLines = [...head.slice(0, cut), `_${withOpen.length} identities with findings; list left out to stay under GitHub's comment limit._`, ''];
  }

  let used = frame(headLines, tailText);
  const sections: string[] = [];
  let shown = 0;
  for (const g of withOpen) {
    const whole = groupSection(g);
    if (used + whole.length <= budget) {
      sections.push(whole);
      used += whole.length;
      shown += g.open.length;
      continue;
    }
    // Part of a big group: as many of its findings as fit, worst first; then stop.
    const lineLengths = g.open.map((f) => findingLines(f).join('\n').length + 1);
    let n = 0;
    let size = groupSection(g, 0).length + 16; // room for a longer "showing N of M"
    while (n < g.open.length && used + size + lineLengths[n]! <= budget) size += lineLengths[n++]!;
    if (n > 0) {
      sections.push(groupSection(g, n));
      shown += n;
    }
    break;
  }
  let text = compose(headLines, sections, open.length - shown, tailText);
  // Safety net for miscounting: drop whole sections until the body fits.
  while (text.length > budget && sections.length) {
    const dropped = sections.pop()!;
    shown -= (dropped.match(/^- /gm) ?? []).length;
    text = compose(headLines, sections, open.length - shown, tailText);
  }
  return text;
}

/** The rule selection of the run, when it left rules out or changed severities; the accounts a drift --org declaration did not cover. */
function selectionLines(doc: FindingsDocument): string[] {
  const out: string[] = [];
  for (const note of [selectionNote(doc), driftAccountsNote(doc), notComparedNote(doc)]) if (note) out.push(`> ℹ️ ${cell(note)}`, '');
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function severityCounts(fs: Finding[]): string {
  return SEVERITIES.map((s) => [s, fs.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

/** One finding as a list item with the identity it concerns (the baseline view lists findings, not groups). */
function baselineItem(f: Finding): string {
  const [first, ...rest] = findingLines(f);
  const subject = f.identity ?? f.resource.name;
  return [`${first} (${cell(subject)}; owner: ${f.owner ? cell(f.owner) : '**none**'})`, ...rest].join('\n') + '\n';
}

/**
 * Against a baseline, the comment a reviewer reads top-down: the new findings (what this change
 * adds, the only ones the gate judges), then what it resolved, then the existing debt collapsed.
 * Whatever does not fit the budget is counted in a note, new findings first to be kept.
 */
/** Access shown first: one line per principal and store whose access to phi or pii data this change gives or takes. */
const ACCESS_SHOWN = 20;

function accessDeltaLines(doc: FindingsDocument): string[] {
  const d = doc.accessDelta;
  if (!d) return [];
  const out = [`### PHI access: ${d.gained.length} gained, ${d.lost.length} lost`, ''];
  if (d.gained.length + d.lost.length === 0) return [...out, 'This change gives nobody new access to a data store of data-class phi or pii.', ''];
  const items = [...d.gained.map((x) => ['🟧', 'gives', x] as const), ...d.lost.map((x) => ['✅', 'takes from', x] as const)];
  for (const [icon, verb, x] of items.slice(0, ACCESS_SHOWN))
    out.push(`- ${icon} ${cell(`this change ${verb} ${x.principal} ${x.levels.join(' and ')} on ${x.store} through ${x.route}`)}`);
  if (items.length > ACCESS_SHOWN) out.push(`- ${items.length - ACCESS_SHOWN} more: see \`nhi-guard access --baseline\``);
  return [...out, ''];
}

function renderAgainstBaseline(doc: FindingsDocument, base: NonNullable<FindingsDocument['baseline']>, budget: number): string {
  const open = doc.findings.filter((f) => !f.waived);
  const fresh = open.filter((f) => f.baseline !== 'existing');
  const existing = open.filter((f) => f.baseline === 'existing');
  const resolved = base.resolved;
  const waived = doc.findings.filter((f) => f.waived);
  const worst = SEVERITIES.find((s) => fresh.some((f) => f.severity === s));
  const tallies = `${resolved.length} resolved, ${existing.length} existing`;
  const head: string[] = ['<!-- nhi-guard-report -->'];
  if (fresh.length === 0)
    head.push(
      doc.gaps?.length
        ? `## ⚠️ nhi-guard: INCOMPLETE, no new findings in the part that could be read (${tallies})`
        : `## ✅ nhi-guard: no new findings (${tallies})`,
    );
  else
    head.push(`## ${worst ? ICON[worst] : ''} nhi-guard: ${plural(fresh.length, 'new finding')} (${severityCounts(fresh)}); ${tallies}`.replace('##  ', '## '));
  head.push('', ...gapLines(doc));
  head.push(
    `${doc.summary.identities} identities checked from ${doc.inputs.length} input(s) (${[...new Set(doc.inputs.map((i) => i.kind))].join(', ') || 'none'}) ` +
      `against the baseline ${code(base.file)} of ${base.generatedAt.slice(0, 10)}; ${waived.length} waived; evaluated at ${doc.now.slice(0, 10)} by ${doc.tool.name} ${doc.tool.version}.`,
  );
  head.push('', ...selectionLines(doc));
  if (base.notEvaluated > 0)
    head.push(
      '',
      `> ${plural(base.notEvaluated, 'finding')} of the baseline belong to rules this run did not evaluate; they are neither resolved nor existing.`,
    );
  head.push('');
  head.push(...accessDeltaLines(doc));

  const out: string[] = [head.join('\n')];
  let used = out[0]!.length;
  let hidden = 0;
  const room = (s: string) => used + s.length + 200 <= budget;
  const add = (s: string) => {
    out.push(s);
    used += s.length + 1;
  };
  const list = (items: Finding[], item: (f: Finding) => string): void => {
    for (const f of items) {
      const text = item(f);
      if (room(text)) add(text);
      else hidden++;
    }
  };

  add(`### New findings (${fresh.length})\n`);
  if (fresh.length === 0) add('This change adds no finding.\n');
  list(fresh, baselineItem);

  add(`### Resolved (${resolved.length})\n`);
  if (resolved.length === 0) add('This change resolves no finding of the baseline.\n');
  list(resolved, (f) => `- ✔️ ~~${f.severity}~~ ${code(f.ruleId)} ${cell(f.message)} (${cell(f.identity ?? f.resource.name)})\n`);

  if (existing.length) {
    add(
      `<details>\n<summary><b>Existing findings (${existing.length})</b>: already in the baseline, not judged by the gate (${severityCounts(existing)})</summary>\n`,
    );
    list(existing, baselineItem);
    add('</details>\n');
  }
  const extras = [...newIdentityLines(doc), ...outOfBandLines(doc)].join('\n');
  if (extras && room(extras)) add(extras);
  if (waived.length) {
    const rows = ['### Waived', '', '| Rule | Identity | Reason | Waiver owner | Expires |', '|---|---|---|---|---|'];
    for (const f of waived)
      rows.push(
        `| ${cellCode(f.ruleId)} | ${cell(f.identity ?? f.resource.name)} | ${f.waiver ? cell(f.waiver.reason) : 'waived'} | ${f.waiver ? cell(f.waiver.owner) : ''} | ${cell(f.waiver?.expiresOn ?? '')} |`,
      );
    const table = rows.join('\n') + '\n';
    add(room(table) ? table : `### Waived\n\n${waived.length} waived finding(s); see the SARIF/JSON report.\n`);
  }
  if (hidden > 0) out.push(`> ⚠️ ${plural(hidden, 'more finding')} not shown; see the SARIF/JSON report.\n`);
  return out.join('\n');
}
