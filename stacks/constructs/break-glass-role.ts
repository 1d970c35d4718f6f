/**
 * BreakGlassRole: emergency human access (EHR downtime, ransomware response) that stands ready but
 * is guarded: only named roles or users of one account may assume it, only with MFA
 * (aws:MultiFactorAuthPresent "true"), for at most one hour per session (NHI-TR-004). Tagged
 * `alert-on-use = true` so the SOC alerts on every AssumeRole of it.
 */
import type { Construct } from 'constructs';
import { GovernedRole, type GovernedRoleProps } from './governed-role.js';

export const BREAK_GLASS_MAX_SESSION_SECONDS = 3600;

export interface BreakGlassRoleProps extends GovernedRoleProps {
  /** Roles or users (people's federated roles) allowed to assume, e.g. `arn:aws:iam::111122223333:role/ed-oncall`. */
  trustedPrincipals: string[];
  /** Max session in seconds: 3600, the default, is both AWS's minimum and the break-glass maximum (NHI-TR-004). */
  maxSessionDuration?: number;
}

export class BreakGlassRole extends GovernedRole {
  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id, props, {
      principal: { kind: 'account-principals', arns: props.trustedPrincipals },
      extraTrustConditions: [{ test: 'Bool', variable: 'aws:MultiFactorAuthPresent', values: ['true'] }],
      maxSessionDuration: props.maxSessionDuration ?? BREAK_GLASS_MAX_SESSION_SECONDS,
      sessionLimit: { max: BREAK_GLASS_MAX_SESSION_SECONDS, why: 'for break-glass access (NHI-TR-004)' },
      extraTags: { 'alert-on-use': 'true' },
    });
  }

  override governanceChecks(): string[] {
    const out = super.governanceChecks();
    if (this.governance.identityKind !== 'break-glass')
      out.push(`identityKind must be "break-glass" for BreakGlassRole (got "${this.governance.identityKind}")`);
    return out;
  }
}
