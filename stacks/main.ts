/**
 * The cdktf app: every example stack of the hospital. `nhi-guard synth` runs this file directly.
 * Governance metadata is validated at synth time; NHI_GUARD_NOW fixes the clock for reproducible runs.
 */
import { App, Aspects } from 'cdktf';
import { GovernanceAspect } from './constructs/governance-aspect.js';
import { LabResultsExchangeStack } from './lab-results-exchange.js';
import { LegacyHl7Stack } from './legacy-hl7.js';

export function buildApp(outdir?: string, now: Date = clock()): { app: App; aspect: GovernanceAspect } {
  const app = new App(outdir ? { outdir } : {});
  new LabResultsExchangeStack(app, 'lab-results-exchange');
  new LegacyHl7Stack(app, 'legacy-hl7');
  const aspect = new GovernanceAspect(now);
  Aspects.of(app).add(aspect);
  return { app, aspect };
}

function clock(): Date {
  const fixed = process.env.NHI_GUARD_NOW;
  const d = fixed ? new Date(fixed) : new Date();
  if (Number.isNaN(d.getTime())) throw new Error(`NHI_GUARD_NOW=${fixed} is not a date`);
  return d;
}

/** Synthesizes, failing with one line per invalid construct (exit 2) instead of a stack trace. */
export function synthOrExit(): void {
  const { app, aspect } = buildApp();
  try {
    app.synth();
  } catch (e) {
    if (aspect.problems.length === 0) throw e;
  }
  if (aspect.problems.length > 0) {
    for (const p of aspect.problems) process.stderr.write(`nhi-guard: ${p}\n`);
    process.exit(2);
  }
}

if (process.argv[1] && /stacks[\\/]main\.ts$/.test(process.argv[1])) synthOrExit();
