/**
 * The cdktf app: every example stack of the hospital. `nhi-guard synth` runs this file directly.
 * Governance metadata is validated at synth time; NHI_GUARD_NOW fixes the clock for reproducible runs.
 */
import { App, Aspects, TerraformStack } from 'cdktf';
import { CiDeployStack } from './ci-deploy.js';
import { ClaimsAutomationStack } from './claims-automation.js';
import { applyGovernance, GovernanceAspect } from './constructs/governance-aspect.js';
import { SourceLocationAspect } from './constructs/source-location.js';
import { EdBreakGlassStack } from './ed-break-glass.js';
import { ImagingVendorSupportStack } from './imaging-vendor-support.js';
import { LabResultsExchangeStack } from './lab-results-exchange.js';
import { LegacyHl7Stack } from './legacy-hl7.js';
import { NhiGuardScannerStack } from './nhi-guard-scanner.js';
import { PatientPortalStack } from './patient-portal.js';
import { TelehealthApiKeysStack } from './telehealth-api-keys.js';

export function buildApp(outdir?: string, now: Date = clock()): { app: App; aspect: GovernanceAspect } {
  const app = new App(outdir ? { outdir } : {});
  new LabResultsExchangeStack(app, 'lab-results-exchange');
  new LegacyHl7Stack(app, 'legacy-hl7');
  new ImagingVendorSupportStack(app, 'imaging-vendor-support');
  new ClaimsAutomationStack(app, 'claims-automation');
  new TelehealthApiKeysStack(app, 'telehealth-api-keys');
  new PatientPortalStack(app, 'patient-portal');
  new EdBreakGlassStack(app, 'ed-break-glass');
  new CiDeployStack(app, 'ci-deploy');
  new NhiGuardScannerStack(app, 'nhi-guard-scanner');
  const aspect = applyGovernance(app, new GovernanceAspect(now));
  // Each resource of a governed construct names the stack file and line that declares it.
  // (cdktf invokes the aspects of each stack, not the app's.)
  const located = new SourceLocationAspect();
  for (const s of app.node.findAll().filter((c) => TerraformStack.isStack(c))) Aspects.of(s).add(located);
  return { app, aspect };
}

function clock(): Date {
  const fixed = process.env.NHI_GUARD_NOW;
  const d = fixed ? new Date(fixed) : new Date();
  if (Number.isNaN(d.getTime())) throw new Error(`NHI_GUARD_NOW=${fixed} is not a date`);
  return d;
}

/** Synthesizes, failing with one line per invalid construct (exit 2) instead of a stack trace. */
export function synthOrExit(built: { app: App; aspect: GovernanceAspect } = buildApp()): void {
  const { app, aspect } = built;
  const before = aspect.collect(app);
  if (before.length > 0) {
    for (const p of before) process.stderr.write(`nhi-guard: ${p}\n`);
    process.exit(2);
  }
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
