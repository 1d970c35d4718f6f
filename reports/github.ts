/**
 * GitHub Actions workflow commands, one line per unwaived finding:
 * `::error` for critical and high, `::warning` for medium, `::notice` for low and info, with the
 * file relative to the source root when the finding has one (annotations then show on the diff).
 * Escaping follows the runner: data escapes % CR LF; property values also : and ,.
 */
import path from 'node:path';
import type { Finding, FindingsDocument } from '../checks/findings.js';
import type { Severity } from '../checks/engine/metadata.js';
import { selectionNote } from './notes.js';
import { githubData, githubProperty } from './escape.js';

export interface GithubOptions {
  sourceRoot?: string;
}

/** Workflow command escaping (reports/escape.ts): data escapes % CR LF; property values also : and ,. */
export { githubData as escapeData, githubProperty as escapeProperty };

export function commandOf(s: Severity): 'error' | 'warning' | 'notice' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'notice';
}

/** A workspace-relative, forward-slash path, or undefined when the file lies outside the root. */
function relativeFile(file: string, root: string | undefined): string | undefined {
  if (!path.isAbsolute(file)) return file.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!root) return undefined;
  const rel = path.relative(root, file).replace(/\\/g, '/');
  return rel && !rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel) ? rel : undefined;
}

function where(f: Finding): string {
  const r = f.resource;
  return r.constructPath ?? r.address ?? r.arn ?? `${r.type}.${r.name}`;
}

export function renderGithub(doc: FindingsDocument, opts: GithubOptions = {}): string {
  const lines: string[] = [];
  for (const f of doc.findings) {
    // Against a baseline the annotations are what the change adds; existing debt is only counted.
    if (f.waived || f.baseline === 'existing') continue;
    const props: string[] = [`title=${githubProperty(`${f.ruleId} ${f.title}`)}`];
    // The declared statement or policy a drift finding is about when known, else the resource's block.
    const at = f.location ?? f.resource;
    const file = at.file ? relativeFile(at.file, opts.sourceRoot) : undefined;
    if (file) {
      props.push(`file=${githubProperty(file)}`);
      if (at.line) props.push(`line=${at.line}`, ...(at.endLine ? [`endLine=${at.endLine}`] : []));
    }
    // Each line is escaped on its own (input line breaks become \u000a), then joined by an encoded break.
    const body = [`[${f.severity}] ${f.message} (at ${where(f)}${f.owner ? `; owner ${f.owner}` : ''})`, ...(f.remediation ? [`Fix: ${f.remediation}`] : [])]
      .map(githubData)
      .join('%0A');
    lines.push(`::${commandOf(f.severity)} ${props.join(',')}::${body}`);
  }
  const gaps = doc.gaps ?? [];
  if (gaps.length) {
    const what = gaps.map((g) => `${g.service} ${g.operation}${g.target ? ` (${g.target})` : ''}: ${g.error}`).join('; ');
    lines.push(
      `::error title=${githubProperty('nhi-guard: incomplete scan')}::${githubData(`${gaps.length} part(s) of the account could not be read; the result is not clean. ${what}`)}`,
    );
  }
  const open = doc.findings.length - doc.summary.waived;
  const unwaived = doc.findings.filter((f) => !f.waived);
  const fresh = unwaived.filter((f) => f.baseline !== 'existing').length;
  const base = doc.baseline ? `, against the baseline ${fresh} new, ${unwaived.length - fresh} existing, ${doc.baseline.resolved.length} resolved` : '';
  const note = selectionNote(doc);
  if (note) lines.push(`::notice title=${githubProperty('nhi-guard: rule selection')}::${githubData(note)}`);
  lines.push(`nhi-guard: ${open} finding(s), ${doc.summary.waived} waived${base}${gaps.length ? `, INCOMPLETE (${gaps.length} gap(s))` : ''}`);
  return lines.join('\n') + '\n';
}
