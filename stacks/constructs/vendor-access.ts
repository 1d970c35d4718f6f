/**
 * VendorAccess: a role a third party (imaging vendor, EHR support, clearing house) assumes from its
 * own AWS account. The trust requires the agreed sts:ExternalId (confused-deputy protection,
 * NHI-TR-002), the identity kind is `vendor` so it expires within 90 days of now and must be renewed
 * with its owner, and every grant is scoped to resource ARNs (no Resource "*" at all).
 */
import type { Construct } from 'constructs';
import { GovernedRole, type GovernedRoleProps } from './governed-role.js';

export const VENDOR_MAX_SESSION_SECONDS = 3600;

export interface VendorAccessProps extends GovernedRoleProps {
  /** The vendor's AWS account. */
  vendorAccount: string;
  /**
   * Specific roles of the vendor allowed to assume (`arn:aws:iam::VENDOR:role/NAME`); when omitted,
   * the vendor account as a whole, which the vendor then delegates inside its account.
   */
  vendorRoleArns?: string[];
  /** The external ID agreed with the vendor (2 to 1224 characters, unique per customer). */
  externalId: string;
  /** Max session in seconds: 3600, the default, is both AWS's minimum and the vendor maximum. */
  maxSessionDuration?: number;
}

export class VendorAccess extends GovernedRole {
  readonly vendorAccount: string;

  constructor(scope: Construct, id: string, props: VendorAccessProps) {
    super(scope, id, props, {
      principal: {
        kind: 'external-account',
        account: props.vendorAccount,
        externalId: props.externalId,
        ...(props.vendorRoleArns ? { roleArns: props.vendorRoleArns } : {}),
      },
      maxSessionDuration: props.maxSessionDuration ?? VENDOR_MAX_SESSION_SECONDS,
      sessionLimit: { max: VENDOR_MAX_SESSION_SECONDS, why: 'for vendor access' },
      grantRules: { star: 'never' },
    });
    this.vendorAccount = props.vendorAccount;
  }

  override governanceChecks(): string[] {
    const out = super.governanceChecks();
    if (this.governance.identityKind !== 'vendor')
      out.push(`identityKind must be "vendor" for VendorAccess (got "${this.governance.identityKind}"), so it expires within 90 days`);
    return out;
  }
}
