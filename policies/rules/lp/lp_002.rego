# METADATA
# title: Service-wide wildcard on every resource
# description: |
#   An Allow statement grants every action of a service ("s3:*", "iam:*", ...) on Resource "*".
#   An unconditioned Deny reaching the same identity that covers the wildcard removes the finding.
#   Conditions on the Allow are shown in the message but do not clear it: the grant is still
#   service-wide. Action "*" is NHI-LP-001, not this rule.
# custom:
#   id: NHI-LP-002
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     List the actions the workload calls instead of "<service>:*", and scope Resource to the
#     ARNs it uses. ServiceIdentity.grant() in stacks/ produces such statements.
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_002

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(policy.id, holder, msg) if {
	some policy in lib.policies
	some stmt in lib.allow_statements(policy)
	iam.every_resource(stmt)
	some action in object.get(stmt, "actions", [])
	regex.match(`^[a-z0-9-]+:\*$`, lower(action))
	some holder in iam.holders(policy.id)
	not iam.denied(policy, holder, lower(action), "*")
	msg := sprintf("policy %s allows every %s action (Action \"%s\") on Resource \"*\"%s", [lib.label(policy), split(lower(action), ":")[0], action, iam.condition_note(stmt)])
}
