# METADATA
# title: Administrator-equivalent AWS managed policy attached
# description: |
#   The AWS managed policy AdministratorAccess, PowerUserAccess or IAMFullAccess is attached to an
#   identity, directly or through one of its groups. The finding is on the identity (the same AWS
#   policy is shared by many). An unconditioned Deny of every action reaching the identity
#   removes it.
# custom:
#   id: NHI-LP-004
#   severity: critical
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Detach the AWS managed policy and grant the actions the workload needs, scoped to its
#     resources. For emergency administration use a break-glass role guarded by MFA (NHI-TR-004).
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_004

import data.nhi.lib
import data.nhi.lib.iam

admin_equivalent := {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"}

# About the identity; the attached policy is the evidence.
findings contains object.union(lib.finding(identity.id, identity.id, msg), {"evidence": [policy.id]}) if {
	some policy in lib.policies
	policy.type == "aws-managed"
	policy.name in admin_equivalent
	some holder in iam.undenied_holders(policy, "*", "*")
	identity := iam.identity_by_id(holder)
	msg := sprintf("%s %s has the AWS managed policy %s attached%s", [identity.kind, lib.label(identity), policy.name, through(identity, policy.id)])
}

through(identity, policy_id) := "" if {
	some l in identity.policies
	l.policy == policy_id
}

through(identity, policy_id) := sprintf(" through group %s", [concat(", ", sort(groups))]) if {
	not policy_id in {l.policy | some l in identity.policies}
	groups := {lib.label(g) |
		some g in input.inventory.groups
		g.id in object.get(identity, "groups", [])
		some l in g.policies
		l.policy == policy_id
	}
}
