/**
 * Rule selection and severity overrides (`--rule`, `--skip-rule`, `--severity-override`): which
 * rules of the pack a run reports, and at what severity. Patterns are rule ids or globs (`*`, `?`)
 * matched by checks/glob.ts, never a regular expression. Every pattern must match a rule of the
 * pack, so a typo does not silently select nothing. What a run skipped or changed is recorded in
 * the findings document (`selection`), with the number of findings each skipped rule had, so a
 * report never looks cleaner than it is.
 */
import { UserError } from './errors.js';
import { SEVERITIES, type RuleMeta, type Severity } from './engine/metadata.js';
import { globMatch } from './glob.js';

export interface RuleSelection {
  /** Only these rules (ids or globs); empty: every rule. */
  rule?: string[];
  /** Not these rules (ids or globs); wins over `rule`. */
  skipRule?: string[];
  /** `ID|GLOB` → severity; the first matching entry wins. */
  severityOverride?: Array<{ pattern: string; severity: Severity }>;
}

/** What the findings document records (`selection`). */
export interface SelectionRecord {
  rule: string[];
  skipRule: string[];
  /** Rules not reported, with the findings they had in this run. */
  skipped: Array<{ id: string; title: string; severity: Severity; findings: number }>;
  severityOverrides: Array<{ ruleId: string; from: Severity; to: Severity }>;
}

export interface ResolvedSelection {
  /** True when a rule's findings are reported. */
  keeps(ruleId: string): boolean;
  /** The severity a rule's findings are reported at. */
  severityOf(ruleId: string, severity: Severity): Severity;
  /** The record, without the finding counts (filled in by the findings document). */
  record: SelectionRecord;
  /** True when the selection changes nothing. */
  empty: boolean;
}

const PATTERN = /^[A-Za-z0-9*?-]{1,128}$/;

const matches = (pattern: string, id: string) => globMatch(pattern, id, 'full');

function checkPattern(flag: string, pattern: string, rules: RuleMeta[]): void {
  if (!PATTERN.test(pattern))
    throw new UserError(`${flag} ${JSON.stringify(pattern.slice(0, 80))}: a rule id or a glob of letters, digits, "-", "*" and "?" (e.g. NHI-OWN-*)`);
  if (!rules.some((r) => matches(pattern, r.id))) throw new UserError(`${flag} ${pattern}: matches no rule of the pack (nhi-guard policies list shows them)`);
}

/** `NHI-OWN-002=low` → pattern and severity; a usage error otherwise. */
export function parseSeverityOverride(text: string, flag = '--severity-override'): { pattern: string; severity: Severity } {
  const eq = text.lastIndexOf('=');
  const severity = text
    .slice(eq + 1)
    .trim()
    .toLowerCase();
  const pattern = text.slice(0, Math.max(eq, 0)).trim();
  if (eq <= 0 || !(SEVERITIES as readonly string[]).includes(severity)) {
    throw new UserError(`${flag} ${JSON.stringify(text.slice(0, 80))}: expected RULE=SEVERITY (RULE an id or glob, SEVERITY one of ${SEVERITIES.join(', ')})`);
  }
  return { pattern, severity: severity as Severity };
}

/** Checks the patterns against the pack and answers which rules are kept and at what severity. */
export function resolveSelection(rules: RuleMeta[], sel: RuleSelection = {}): ResolvedSelection {
  const only = sel.rule ?? [];
  const skip = sel.skipRule ?? [];
  const overrides = sel.severityOverride ?? [];
  for (const p of only) checkPattern('--rule', p, rules);
  for (const p of skip) checkPattern('--skip-rule', p, rules);
  for (const o of overrides) checkPattern('--severity-override', o.pattern, rules);
  const keeps = (id: string) => (only.length === 0 || only.some((p) => matches(p, id))) && !skip.some((p) => matches(p, id));
  const override = (id: string) => overrides.find((o) => matches(o.pattern, id))?.severity;
  const live = rules.filter((r) => !r.deprecated);
  const record: SelectionRecord = {
    rule: [...only],
    skipRule: [...skip],
    skipped: live.filter((r) => !keeps(r.id)).map((r) => ({ id: r.id, title: r.title, severity: r.severity, findings: 0 })),
    severityOverrides: live
      .filter((r) => keeps(r.id) && override(r.id) !== undefined && override(r.id) !== r.severity)
      .map((r) => ({ ruleId: r.id, from: r.severity, to: override(r.id)! })),
  };
  return {
    keeps,
    severityOf: (id, severity) => override(id) ?? severity,
    record,
    empty: only.length === 0 && skip.length === 0 && overrides.length === 0,
  };
}
