/**
 * Baselines: a findings document of an earlier run (the default branch's, or `nhi-guard baseline`)
 * against which the findings of this run are `new` or `existing`, and the baseline's findings that
 * are gone are `resolved`.
 *
 * A finding is recognised by its fingerprint: the rule, the identity, the resource's identity
 * (type, stack, name or address: never the file it was declared in, a line number or the order of
 * the document) and the evidence, which is the message with its volatile parts masked (dates, day
 * counts, durations), so that an unrelated edit, a renamed file or the passing of a day does not
 * turn old debt into a new finding. Identifiers in the evidence stay: a trust policy that now
 * trusts another account (12-digit account ids, ARNs) or a policy that allows another action is new.
 *
 * Matching is by multiset: two findings with one fingerprint in the baseline and three in this
 * run are two existing and one new. Kept outside checks/cli so that other commands (the PHI access
 * map) reuse loading and fingerprints.
 */
import { accessDelta } from './access/delta.js';
import { accessStores } from './access/summary.js';
import { compareFindings, type Finding, type FindingsDocument } from './findings.js';
import { fingerprint } from './fingerprint.js';
import { readJson } from './io/files.js';
import { assertValid } from './schemas/index.js';

// The fingerprint has a module of its own: the findings document computes it too (and baseline reads findings).
export { evidenceOf, fingerprint, fingerprintParts, FINGERPRINT_VERSION } from './fingerprint.js';

export type BaselineState = 'new' | 'existing' | 'resolved';

/** What a run compared against, recorded in the findings document (`baseline`). */
export interface BaselineSummary {
  /** The baseline file as given. */
  file: string;
  /** When the baseline document was generated. */
  generatedAt: string;
  new: number;
  existing: number;
  /** Findings of the baseline that this run no longer reports. */
  resolved: Finding[];
  /** Findings of the baseline whose rule this run did not evaluate (--rule/--skip-rule): neither resolved nor existing. */
  notEvaluated: number;
}

/** Reads a findings document (any 1.x version) and checks it against the shipped schema. */
export async function loadFindingsDocument(file: string): Promise<FindingsDocument> {
  const doc = await readJson(file);
  assertValid('findings', doc, file);
  return doc as FindingsDocument;
}

export interface BaselineOptions {
  /** The baseline file, as recorded in the document. */
  file: string;
  /** Rule ids this run evaluated; baseline findings of other rules are counted as not evaluated. Default: every rule. */
  evaluated?: ReadonlySet<string>;
}

/**
 * This run's document with each finding marked `new` or `existing` and the baseline's vanished
 * findings listed as resolved. Pure: the inputs are not changed. Fingerprints are recomputed from
 * the baseline's fields, so a baseline written by an older 1.x version works the same.
 */
export function applyBaseline(doc: FindingsDocument, base: FindingsDocument, opts: BaselineOptions): FindingsDocument {
  const left = new Map<string, Finding[]>();
  for (const f of base.findings) {
    const k = fingerprint(f);
    const list = left.get(k);
    if (list) list.push(f);
    else left.set(k, [f]);
  }
  let fresh = 0;
  let existing = 0;
  const findings = doc.findings.map((f) => {
    const k = fingerprint(f);
    const match = left.get(k);
    const state: BaselineState = match && match.length > 0 ? 'existing' : 'new';
    if (state === 'existing') {
      match!.shift();
      existing++;
    } else fresh++;
    return { ...f, fingerprint: k, baseline: state };
  });
  const resolved: Finding[] = [];
  let notEvaluated = 0;
  for (const [k, list] of left) {
    for (const f of list) {
      if (opts.evaluated && !opts.evaluated.has(f.ruleId)) notEvaluated++;
      else resolved.push({ ...f, fingerprint: k, baseline: 'resolved' });
    }
  }
  resolved.sort(compareFindings);
  return {
    ...doc,
    findings,
    baseline: { file: opts.file, generatedAt: base.generatedAt, new: fresh, existing, resolved, notEvaluated },
    // The PHI access map of both runs, when both carry one: what this change gives or takes.
    ...(doc.access && base.access ? { accessDelta: accessDelta(accessStores(base.access), accessStores(doc.access), opts.file) } : {}),
  };
}

/** `doc` compared with the baseline document in `file`; rules not in `doc.rules` count as not evaluated. */
export async function compareWithBaseline(doc: FindingsDocument, file: string): Promise<FindingsDocument> {
  return applyBaseline(doc, await loadFindingsDocument(file), { file, evaluated: new Set(doc.rules.map((r) => r.id)) });
}
