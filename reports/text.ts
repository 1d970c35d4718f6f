/**
 * Human-readable report: findings grouped by identity with owner and expiry, severity colours on
 * a terminal (NO_COLOR respected by picocolors), the summary line last.
 */
import pc from 'picocolors';
import { text as printable } from './escape.js';
import { failsGate, gatedFindings, type Finding, type FindingsDocument } from '../checks/findings.js';
import { SEVERITIES, type Severity } from '../checks/engine/metadata.js';
import { driftAccountsNote, notComparedNote, selectionNote } from './notes.js';

export interface TextOptions {
  color?: boolean;
  /** The run's --fail-on: when it lets high or critical findings pass, the last line says so. */
  failOn?: string;
}

const paint: Record<Severity, (s: string) => string> = {
  critical: (s) => pc.bold(pc.red(s)),
  high: pc.red,
  medium: pc.yellow,
  low: pc.cyan,
  info: pc.dim,
};

function groupKey(f: Finding): string {
  return f.identity ?? f.resource.name;
}

export function renderText(doc: FindingsDocument, opts: TextOptions = {}): string {
  const color = opts.color ?? false;
  const sev = (s: Severity) => (color ? paint[s](s.toUpperCase().padEnd(8)) : s.toUpperCase().padEnd(8));
  const bold = (s: string) => (color ? pc.bold(s) : s);
  const lines: string[] = [];
  lines.push(`nhi-guard ${doc.tool.version}: ${doc.inputs.length} input(s), now ${doc.now.slice(0, 10)}`);
  const groups = new Map<string, Finding[]>();
  for (const f of doc.findings) {
    const k = groupKey(f);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  // Names, messages and tags come from the input: control characters and bidirectional overrides
  // are shown escaped, so nothing in a plan can rewrite or reorder what the terminal shows.
  const p = printable;
  // Worst first, as in the Markdown report: the group with the worst unwaived finding, then more findings, then by name.
  const rank = (fs: Finding[]) => Math.min(...fs.filter((f) => !f.waived).map((f) => SEVERITIES.indexOf(f.severity)), SEVERITIES.length);
  const order = [...groups.entries()].sort((a, b) => rank(a[1]) - rank(b[1]) || b[1].length - a[1].length || a[0].localeCompare(b[0]));
  for (const [name, fs] of order) {
    const owner = fs.find((f) => f.owner)?.owner ?? 'no owner';
    lines.push('');
    lines.push(bold(p(name)) + `  (owner: ${p(owner)})`);
    for (const f of fs) {
      const where = f.resource.constructPath ?? f.resource.address ?? f.resource.arn ?? f.resource.name;
      const state = f.waived ? '  [waived]' : f.baseline === 'existing' ? '  [existing]' : f.baseline === 'new' ? '  [new]' : '';
      lines.push(`  ${sev(f.severity)} ${f.ruleId}  ${p(f.message)}${state}`);
      lines.push(`           at ${p(where)}`);
      if (!f.waived && f.remediation) lines.push(`           fix: ${p(f.remediation)}`);
      if (f.waived && f.waiver)
        lines.push(
          p(`           waived until ${f.waiver.expiresOn} by ${f.waiver.owner}${f.waiver.ticket ? ` (${f.waiver.ticket})` : ''}: ${f.waiver.reason}`),
        );
    }
  }
  const counts = SEVERITIES.map((s) => `${doc.summary.bySeverity[s]} ${s}`).join(', ');
  lines.push('');
  const total = doc.findings.length - doc.summary.waived;
  const gaps = doc.gaps ?? [];
  if (gaps.length) {
    lines.push(`INCOMPLETE: ${gaps.length} part(s) of the account could not be read; the result is not clean:`);
    for (const g of gaps)
      lines.push(
        `  ${p(`${g.account ? `account ${g.account} ` : ''}${g.service} ${g.operation}${g.target ? ` ${g.target}` : ''}${g.region ? ` (${g.region})` : ''}: ${g.error}`)}`,
      );
    lines.push('');
  }
  const note = selectionNote(doc);
  if (note) lines.push(p(note), '');
  const accountsNote = driftAccountsNote(doc);
  if (accountsNote) lines.push(p(accountsNote), '');
  const unreadNote = notComparedNote(doc);
  if (unreadNote) lines.push(p(unreadNote), '');
  const base = doc.baseline;
  if (base) {
    lines.push(`resolved since the baseline ${p(base.file)} (${base.resolved.length}):`);
    for (const f of base.resolved) lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${p(f.message)}  [resolved]`);
    lines.push('');
  }
  const verdict = (gaps.length ? 'INCOMPLETE: ' : '') + (total === 0 ? 'no findings' : `${total} finding(s)`);
  const fresh = doc.findings.filter((f) => !f.waived && f.baseline !== 'existing').length;
  const against = base ? ` (against the baseline: ${fresh} new, ${total - fresh} existing, ${base.resolved.length} resolved)` : '';
  lines.push(`${verdict} on ${doc.summary.identities} identities: ${counts}; ${doc.summary.waived} waived${against}`);
  const why = passNote(doc, opts.failOn);
  if (why) lines.push(why);
  return lines.join('\n') + '\n';
}

/**
 * Why a run exits 0 although high or critical findings are open (`npm start` runs with
 * --fail-on none): a green run is never mistaken for a clean one.
 */
export function passNote(doc: FindingsDocument, failOn: string | undefined): string | undefined {
  if (failOn === undefined || failsGate(doc, failOn as Severity | 'none')) return undefined;
  const serious = gatedFindings(doc).filter((f) => f.severity === 'critical' || f.severity === 'high');
  if (serious.length === 0) return undefined;
  const counts = (['critical', 'high'] as const)
    .map((s) => [s, serious.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const why = failOn === 'none' ? '--fail-on none never fails the run' : `--fail-on ${failOn} lets them pass`;
  return `exit 0 although ${counts} finding(s)${doc.baseline ? ' are new since the baseline' : ' are open'}: ${why}; a CI gate runs with --fail-on high`;
}
