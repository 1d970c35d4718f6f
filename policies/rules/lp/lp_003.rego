# METADATA
# title: Write or permissions-management actions on every resource
# description: |
#   An Allow statement grants actions of AWS access level Write or Permissions management on
#   Resource "*". Wildcards such as "s3:Put*" count through the AWS IAM action catalog
#   (expandedActions); actions that accept only "*" (wildcardOnly) are excluded, and so is each
#   action covered by an unconditioned Deny reaching the same identity. Action "*" is left to
#   NHI-LP-001 and NotAction to NHI-LP-007. One finding per policy and identity, naming the
#   first actions found.
# custom:
#   id: NHI-LP-003
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Scope Resource to the ARNs the workload writes to, or split the statement so that only the
#     actions that accept only "*" keep Resource "*".
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_003

import data.nhi.lib
import data.nhi.lib.iam

levels := {"Write", "Permissions management"}

shown := 5

findings contains lib.finding(policy.id, holder, msg) if {
	some policy in lib.policies
	some holder in iam.holders(policy.id)
	actions := sort(writes_on_every_resource(policy, holder))
	count(actions) > 0
	msg := sprintf("policy %s allows %d write or permissions-management action(s) on Resource \"*\": %s%s", [lib.label(policy), count(actions), concat(", ", array.slice(actions, 0, shown)), more(count(actions))])
}

writes_on_every_resource(policy, holder) := {e.action |
	some stmt in lib.allow_statements(policy)
	iam.every_resource(stmt)
	some e in object.get(stmt, "expandedActions", [])
	e.accessLevel in levels
	not e.wildcardOnly
	not iam.denied(policy, holder, lower(e.action), "*")
}

more(n) := "" if n <= shown

more(n) := sprintf(" and %d more", [n - shown]) if n > shown
