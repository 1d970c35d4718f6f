/**
 * Sentences every report format states when they apply, worded once: what a run did not report
 * (--rule/--skip-rule) and which severities it changed (--severity-override), so a report never
 * looks cleaner than the pack would have made it.
 */
import type { FindingsDocument } from '../checks/findings.js';

/** Shortest list that names what matters: up to `max` ids, then a count. */
function ids(list: string[], max = 8): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/** Drift: the declared elements not compared because their live side could not be read. Plain text; renderers escape it. */
export function notComparedNote(doc: FindingsDocument): string | undefined {
  const list = doc.notCompared ?? [];
  if (list.length === 0) return undefined;
  const named = list.map((x) => `${x.account ? `${x.account} ` : ''}${x.element} (${x.gap})`);
  return `Not compared: ${list.length} declared element(s) whose live side could not be read (see the gaps), so not reported as missing live: ${ids(named)}.`;
}

/** `undefined` when the run reported every rule at its own severity. Plain text; renderers escape it. */
export function selectionNote(doc: FindingsDocument): string | undefined {
  const sel = doc.selection;
  if (!sel) return undefined;
  const parts: string[] = [];
  if (sel.skipped.length) {
    const hidden = sel.skipped.reduce((n, r) => n + r.findings, 0);
    parts.push(`${sel.skipped.length} rule(s) not reported (${ids(sel.skipped.map((r) => r.id))}), which had ${hidden} finding(s) in this run`);
  }
  if (sel.severityOverrides.length) parts.push(`severity changed for ${ids(sel.severityOverrides.map((o) => `${o.ruleId} ${o.from}→${o.to}`))}`);
  return parts.length ? `Rule selection: ${parts.join('; ')}.` : undefined;
}

/**
 * `drift --org`: which accounts the declaration covered. `undefined` for other runs, and when it
 * covered every account read. Plain text; renderers escape it.
 */
export function driftAccountsNote(doc: FindingsDocument): string | undefined {
  const d = doc.driftAccounts;
  if (!d || d.undeclared.length === 0) return undefined;
  const covered = d.declared.length ? `covers ${d.declared.length} account(s) (${ids(d.declared)})` : 'covers none of the accounts read';
  return (
    `Declaration: ${covered}; ${d.undeclared.length} account(s) read are not covered by it (${ids(d.undeclared)}), ` +
    'so every identity and secret there is reported as unmanaged (NHI-DRIFT-001); select the accounts to compare with --accounts.'
  );
}
