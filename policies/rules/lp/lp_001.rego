# METADATA
# title: Full administrator wildcard
# description: An Allow statement grants Action "*", every action of every AWS service.
# custom:
#   id: NHI-LP-001
#   severity: critical
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Replace Action "*" with the actions the workload calls, scoped to the ARNs it uses.
#     ServiceIdentity.grant() in stacks/ produces such statements.
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_001

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(policy.id, holder, msg) if {
	some grant in iam.allows
	some action in grant.stmt.actions
	iam.full_wildcard(action)
	policy := grant.policy
	some holder in iam.undenied_holders(policy, "*", "*")
	msg := sprintf("policy %s allows every action (Action \"%s\")", [lib.label(policy), action])
}
