/**
 * ServiceIdentity: an IAM role for one workload (an AWS service, ECS task, Lambda function, EKS
 * service account or GitHub Actions workflow), with governance tags, a trust policy for exactly
 * that workload's principal, and a grant API that produces least-privilege statements scoped to
 * resource ARNs.
 */
import type { Construct } from 'constructs';
import { GovernedRole, type GovernedRoleProps } from './governed-role.js';
import { reportProblem } from './problems.js';
import type { AwsServicePrincipal, Principal } from './trust.js';

export type { Grant } from './grants.js';
export type { Principal } from './trust.js';
/** An AWS service principal, optionally pinned to one source account (kept for existing stacks). */
export type ServicePrincipal = AwsServicePrincipal;

export interface ServiceIdentityProps extends GovernedRoleProps {
  principal: Principal;
  /** Max session in seconds (default 3600; AWS allows 3600..43200). */
  maxSessionDuration?: number;
}

export class ServiceIdentity extends GovernedRole {
  constructor(scope: Construct, id: string, props: ServiceIdentityProps) {
    super(scope, id, props, {
      principal: props.principal,
      ...(props.maxSessionDuration !== undefined ? { maxSessionDuration: props.maxSessionDuration } : {}),
    });
    if (props.principal?.kind === 'account-principals' || props.principal?.kind === 'external-account') {
      reportProblem(this, 'a ServiceIdentity is assumed by a workload, not by people; use BreakGlassRole or VendorAccess');
    }
  }

  override governanceChecks(): string[] {
    const out = super.governanceChecks();
    if (this.governance.identityKind !== 'service' && this.governance.identityKind !== 'automation') {
      out.push(
        `identityKind is "${this.governance.identityKind}": a ServiceIdentity is a service or automation identity (use VendorAccess or BreakGlassRole for the others)`,
      );
    }
    return out;
  }
}
