/**
 * SARIF 2.1.0 for code scanning (GitHub and other SARIF consumers). One reportingDescriptor per
 * rule, one result per finding, stable partial fingerprints (rule + resource + identity, never the
 * message, which may carry dates), locations relative to a source root (`%SRCROOT%`) and the
 * terraform address / construct path as logical locations. Waived findings are suppressed
 * (kind `external`) rather than dropped, so an alert closes as "dismissed" instead of "fixed".
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toWellFormed } from '../checks/unicode.js';
import type * as Sarif from 'sarif';
import type { Finding, FindingsDocument, RuleSummary } from '../checks/findings.js';
import type { References, Severity } from '../checks/engine/metadata.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** Versioned name of our fingerprint: change the suffix if the recipe ever changes. */
export const FINGERPRINT_KEY = 'nhiGuardFinding/v1';

export interface SarifOptions {
  /** Folder that artifact URIs are made relative to (the repository root, usually the cwd). */
  sourceRoot?: string;
}

/** GitHub's `security-severity` scale: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4.0 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

export function sarifLevel(s: Severity): Sarif.Result.level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** `Role has no owner tag` -> `RoleHasNoOwnerTag`: an identifier-like rule name. */
function ruleName(title: string, id: string): string {
  const words = title.match(/[A-Za-z0-9]+/g) ?? [];
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return name || id.replace(/[^A-Za-z0-9]/g, '');
}

function referenceTags(refs: References): string[] {
  return [...refs.owasp.map((r) => `owasp-nhi/${r}`), ...refs.nistCsf.map((r) => `nist-csf/${r}`), ...refs.hipaa.map((r) => `hipaa/${r}`)];
}

function referenceLines(refs: References): string[] {
  const lines: string[] = [];
  if (refs.owasp.length) lines.push(`OWASP Top 10 Non-Human Identities: ${refs.owasp.join(', ')}`);
  if (refs.nistCsf.length) lines.push(`NIST CSF 2.0: ${refs.nistCsf.join(', ')}`);
  if (refs.hipaa.length) lines.push(`HIPAA Security Rule (45 CFR): ${refs.hipaa.join(', ')}`);
  return lines;
}

function descriptor(rule: RuleSummary): Sarif.ReportingDescriptor {
  const refs = referenceLines(rule.references);
  const description = rule.description.trim() || rule.title;
  const text = [description, rule.remediation ? `Remediation: ${rule.remediation}` : '', refs.length ? `References:\n${refs.join('\n')}` : '']
    .filter(Boolean)
    .join('\n\n');
  const markdown = [
    `**${rule.id}: ${rule.title}** (severity ${rule.severity})`,
    description,
    rule.remediation ? `**Remediation.** ${rule.remediation}` : '',
    refs.length ? `**References.**\n\n${refs.map((r) => `- ${r}`).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    id: rule.id,
    name: ruleName(rule.title, rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: description },
    help: { text, markdown },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
      severity: rule.severity,
      tags: ['security', 'non-human-identity', ...referenceTags(rule.references)],
    },
  };
}

/** A rule summary for a finding whose rule is not in doc.rules (a merged or older document). */
function ruleFromFinding(f: Finding): RuleSummary {
  return { id: f.ruleId, title: f.title, description: f.title, severity: f.severity, remediation: f.remediation, references: f.references };
}

/** What identifies the thing a finding is about, independent of message text and clock. */
export function findingKey(f: Finding): string {
  const r = f.resource;
  return [f.ruleId, r.stack ?? '', r.address ?? r.arn ?? `${r.type}:${r.name}`, f.identity ?? ''].join('\u0000');
}

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Percent-encodes each path segment so the result is a valid URI reference. */
function encodeSegments(p: string): string {
  return (
    p
      .split('/')
      // encodeURIComponent throws on a lone surrogate: it becomes U+FFFD (%EF%BF%BD), never a crash.
      .map((s) => encodeURIComponent(toWellFormed(s)))
      .join('/')
  );
}

/** An artifactLocation for a source file: relative to %SRCROOT% when inside it, else a file: URI. */
export function artifactLocation(file: string, sourceRoot: string | undefined): Sarif.ArtifactLocation {
  const slashed = file.replace(/\\/g, '/');
  const isAbsolute = path.isAbsolute(file) || /^[A-Za-z]:\//.test(slashed);
  if (!isAbsolute) return { uri: encodeSegments(slashed.replace(/^\.\//, '')), uriBaseId: SRCROOT };
  if (sourceRoot) {
    const rel = path.relative(sourceRoot, file).replace(/\\/g, '/');
    if (rel && !rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel)) return { uri: encodeSegments(rel), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(toWellFormed(file)).href };
}

function logicalLocations(f: Finding): Sarif.LogicalLocation[] {
  const r = f.resource;
  const out: Sarif.LogicalLocation[] = [];
  if (r.address) out.push({ name: r.name, fullyQualifiedName: r.stack ? `${r.stack}/${r.address}` : r.address, kind: 'resource' });
  if (r.constructPath) out.push({ name: r.constructPath.split('/').pop() || r.constructPath, fullyQualifiedName: r.constructPath, kind: 'module' });
  if (!r.address && r.arn) out.push({ name: r.name, fullyQualifiedName: r.arn, kind: 'resource' });
  if (out.length === 0) out.push({ name: r.name, fullyQualifiedName: `${r.type}.${r.name}`, kind: 'resource' });
  return out;
}

function waiverJustification(f: Finding): string {
  const w = f.waiver;
  if (!w) return 'waived';
  const extra = [`owner ${w.owner}`, `expires ${w.expiresOn}`, w.ticket ? `ticket ${w.ticket}` : ''].filter(Boolean).join(', ');
  return `${w.reason} (${extra})`;
}

export function sarifLog(doc: FindingsDocument, opts: SarifOptions = {}): Sarif.Log {
  const summaries: RuleSummary[] = [...doc.rules];
  const indexOf = new Map(summaries.map((r, i) => [r.id, i]));
  for (const f of doc.findings) {
    if (!indexOf.has(f.ruleId)) {
      indexOf.set(f.ruleId, summaries.length);
      summaries.push(ruleFromFinding(f));
    }
  }
  const seen = new Map<string, number>();
  const results: Sarif.Result[] = doc.findings.map((f) => {
    const key = findingKey(f);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const location: Sarif.Location = { logicalLocations: logicalLocations(f) };
    // The declared statement or policy a drift finding is about when known, else the resource's own block.
    const at = f.location ?? f.resource;
    if (at.file) {
      location.physicalLocation = { artifactLocation: artifactLocation(at.file, opts.sourceRoot) };
      // The declaring block's lines (a .tf resource block, a statement block, a construct's line in its stack file).
      if (at.line) location.physicalLocation.region = { startLine: at.line, ...(at.endLine ? { endLine: at.endLine } : {}) };
    }
    const properties: Sarif.PropertyBag = { severity: f.severity, source: f.source, resourceType: f.resource.type };
    if (f.identity) properties.identity = f.identity;
    if (f.owner) properties.owner = f.owner;
    if (f.resource.arn) properties.arn = f.resource.arn;
    const result: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: indexOf.get(f.ruleId)!,
      level: sarifLevel(f.severity),
      kind: 'fail',
      message: { text: f.message },
      locations: [location],
      // The n-th finding of the same rule on the same resource keeps its own alert.
      partialFingerprints: { [FINGERPRINT_KEY]: sha256(n === 0 ? key : `${key}\u0000${n}`) },
      properties,
    };
    // Against a baseline (--baseline): SARIF's own vocabulary, new or unchanged.
    if (f.baseline) result.baselineState = f.baseline === 'existing' ? 'unchanged' : 'new';
    if (f.waived) result.suppressions = [{ kind: 'external', status: 'accepted', justification: waiverJustification(f) }];
    return result;
  });
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: doc.tool.name,
        version: doc.tool.version,
        semanticVersion: doc.tool.version,
        rules: summaries.map(descriptor),
      },
    },
    results,
    columnKind: 'unicodeCodePoints',
    properties: {
      findingsSchemaVersion: doc.schemaVersion,
      now: doc.now,
      inputs: doc.inputs.map((i) => ({ kind: i.kind, file: i.file })),
      summary: doc.summary,
      ...(doc.selection ? { selection: doc.selection } : {}),
      // Resolved findings are counted, not listed as `absent` results: a consumer that ignores
      // baselineState (GitHub code scanning) would open an alert for each of them.
      ...(doc.baseline
        ? {
            baseline: {
              file: doc.baseline.file,
              generatedAt: doc.baseline.generatedAt,
              new: doc.baseline.new,
              existing: doc.baseline.existing,
              resolved: doc.baseline.resolved.length,
              notEvaluated: doc.baseline.notEvaluated,
            },
          }
        : {}),
    },
  };
  // An incomplete live scan is an unsuccessful run: code scanning must not read it as clean.
  const gaps = doc.gaps ?? [];
  if (gaps.length) {
    run.invocations = [
      {
        executionSuccessful: false,
        toolExecutionNotifications: gaps.map((g) => ({
          level: 'error' as const,
          message: { text: `could not read ${g.service} ${g.operation}${g.target ? ` for ${g.target}` : ''}${g.region ? ` in ${g.region}` : ''}: ${g.error}` },
        })),
      },
    ];
  }
  if (results.some((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uriBaseId === SRCROOT)) {
    run.originalUriBaseIds = { [SRCROOT]: { description: { text: 'The folder nhi-guard was run from (the repository root).' } } };
  }
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export function renderSarif(doc: FindingsDocument, opts: SarifOptions = {}): string {
  return JSON.stringify(sarifLog(doc, opts), null, 2) + '\n';
}
