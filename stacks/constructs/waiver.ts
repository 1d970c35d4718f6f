/**
 * A waiver declared next to the resource it covers: nhi-guard suppresses one rule for that
 * resource until expiresOn, still reports the finding as waived, and reports the waiver itself
 * once it expires (NHI-WVR-001) or when it is malformed or too long (NHI-WVR-002).
 *
 * It creates no cloud resource: it is a terraform output whose value carries the waiver
 * (`{ nhiGuardWaiver: {...} }`), so `nhi-guard check` finds it in the synthesized stack, in the
 * plan and in the state alike (checks/loaders/waiverOutputs.ts).
 */
import { TerraformOutput, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

export interface WaiverProps {
  /** The rule waived, e.g. `NHI-ROT-003`. */
  ruleId: string;
  /** The resource: a construct of the same stack, or an address, ARN or glob (`*`, `?`). */
  resource: TerraformResource | string;
  /** Who accepted the risk and answers for it. */
  owner: string;
  /** Why the finding is accepted for now (at least 10 characters): the risk and the way out. */
  reason: string;
  /** YYYY-MM-DD, at most the waiver maximum length (90 days by default) ahead. */
  expiresOn: string;
  /** Risk-acceptance record in the system of record. */
  ticket?: string;
}

export class Waiver extends Construct {
  /** The waived resource as nhi-guard names it: the terraform address of a construct. */
  readonly resourcePattern: string;

  constructor(scope: Construct, id: string, props: WaiverProps) {
    super(scope, id);
    const r = props.resource;
    this.resourcePattern = typeof r === 'string' ? r : `${r.terraformResourceType}.${r.friendlyUniqueId}`;
    const { ruleId, owner, reason, expiresOn, ticket } = props;
    new TerraformOutput(this, 'Record', {
      description: `nhi-guard waiver of ${ruleId} for ${this.resourcePattern}`,
      value: { nhiGuardWaiver: { ruleId, resource: this.resourcePattern, owner, reason, expiresOn, ...(ticket ? { ticket } : {}), construct: this.node.path } },
    });
  }
}
