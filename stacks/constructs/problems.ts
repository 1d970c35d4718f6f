/**
 * Problems found while a construct is built (an option outside an AWS limit, a grant refused),
 * recorded instead of thrown so that synth reports every problem of the app at once, each with
 * its construct path (the GovernanceAspect collects them). Each is also an error annotation, so a
 * cdktf app that never adds the aspect still fails synth: a recorded problem is never a silent pass.
 */
import { Annotations } from 'cdktf';
import type { IConstruct } from 'constructs';

const recorded = new WeakMap<IConstruct, string[]>();

/** Records `problem` (a sentence saying what to fix) on `construct`. */
export function reportProblem(construct: IConstruct, problem: string): void {
  const list = recorded.get(construct) ?? [];
  list.push(problem);
  recorded.set(construct, list);
  Annotations.of(construct).addError(problem);
}

/** Records every problem of `problems` on `construct`; true when there was none. */
export function reportProblems(construct: IConstruct, problems: readonly string[]): boolean {
  for (const p of problems) reportProblem(construct, p);
  return problems.length === 0;
}

/** The problems recorded on `construct` so far (a copy). */
export function problemsOf(construct: IConstruct): string[] {
  return [...(recorded.get(construct) ?? [])];
}
