/**
 * Synth-time validation: every governed construct must carry complete, valid metadata and an
 * expiry that is neither past nor beyond the maximum lifetime of its kind. Problems fail synth
 * with the construct path and what to fix (collected, then reported together). Constructs add
 * their own rules through `governanceChecks()` (the identity kind or data class they must have),
 * and the problems recorded while they were built (problems.ts: options outside AWS limits,
 * refused grants) are reported with them.
 */
import { Annotations, Aspects, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { DATA_CLASSES, ENVIRONMENTS, IDENTITY_KINDS, MAX_LIFETIME_DAYS, isGoverned, type Governance } from './governance.js';
import { problemsOf } from './problems.js';

const DAY_MS = 86_400_000;

export function parseDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? t : null;
}

/** Problems with one construct's governance metadata, as sentences; empty when valid. */
export function governanceProblems(g: Partial<Governance>, now: Date): string[] {
  const out: string[] = [];
  const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';
  if (blank(g.owner)) out.push('owner is missing: name the accountable team');
  if (blank(g.purpose)) out.push('purpose is missing: say why the identity exists');
  if (!DATA_CLASSES.includes(g.dataClass as never)) out.push(`dataClass must be one of ${DATA_CLASSES.join(', ')}`);
  if (!ENVIRONMENTS.includes(g.environment as never)) out.push(`environment must be one of ${ENVIRONMENTS.join(', ')}`);
  if (!IDENTITY_KINDS.includes(g.identityKind as never)) out.push(`identityKind must be one of ${IDENTITY_KINDS.join(', ')}`);
  const t = typeof g.expiresOn === 'string' ? parseDate(g.expiresOn) : null;
  if (t === null) {
    out.push('expiresOn must be a date YYYY-MM-DD');
  } else {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const days = Math.round((t - today) / DAY_MS);
    if (days < 0) out.push(`expiresOn ${g.expiresOn} is in the past: offboard the identity or renew it with its owner`);
    const max = MAX_LIFETIME_DAYS[g.identityKind as keyof typeof MAX_LIFETIME_DAYS];
    if (max !== undefined && days > max) {
      out.push(
        `expiresOn ${g.expiresOn} is ${days} days ahead, more than the ${max} allowed for a ${g.identityKind} identity: set it at most ${max} days from today and renew it with its owner`,
      );
    }
  }
  // Kind-specific rules.
  if (g.identityKind === 'vendor' && blank(g.ticket)) out.push('ticket is missing: a vendor identity references its contract or business associate agreement');
  return out;
}

export class GovernanceAspect implements IAspect {
  readonly problems: string[] = [];
  constructor(readonly now: Date) {}

  private governanceOf(node: IConstruct): string[] {
    if (!isGoverned(node)) return [];
    return [...governanceProblems(node.governance, this.now), ...(node.governanceChecks?.() ?? [])];
  }

  /** Governance problems and the problems recorded while the construct was built (options, grants). */
  private problemsOf(node: IConstruct): string[] {
    return [...problemsOf(node), ...this.governanceOf(node)];
  }

  visit(node: IConstruct): void {
    for (const p of problemsOf(node)) this.problems.push(`${node.node.path}: ${p}`);
    // Recorded problems are error annotations already; governance problems become ones here.
    for (const p of this.governanceOf(node)) {
      this.problems.push(`${node.node.path}: ${p}`);
      Annotations.of(node).addError(p);
    }
  }

  /**
   * Every problem under `scope` (all stacks), without annotating: cdktf stops synthesizing at the
   * first stack with an error, so callers check the whole app first to report everything at once.
   */
  collect(scope: IConstruct): string[] {
    return scope.node.findAll().flatMap((c) => this.problemsOf(c).map((p) => `${c.node.path}: ${p}`));
  }
}

/**
 * Adds the aspect to every stack under `scope` (an App or a stack). cdktf invokes aspects per stack,
 * starting at the stack: an aspect added only to the App is never invoked.
 */
export function applyGovernance(scope: IConstruct, aspect: GovernanceAspect): GovernanceAspect {
  const stacks = TerraformStack.isStack(scope) ? [scope] : scope.node.findAll().filter((c) => TerraformStack.isStack(c));
  for (const s of stacks) Aspects.of(s).add(aspect);
  return aspect;
}
