# METADATA
# title: iam:PassRole on every role
# description: |
#   An Allow statement grants iam:PassRole (by name, through a wildcard such as "iam:*" or "*",
#   or through NotAction) on Resource "*" or on every role of an account
#   ("arn:aws:iam::<account>:role/*"). Decision: an iam:PassedToService condition does NOT clear
#   the finding. It limits which service receives the role, not which role is passed, so an
#   administrator role can still be handed to a compute service; the message names the condition.
#   An unconditioned Deny of iam:PassRole on that resource reaching the identity removes it.
#   NotResource counts as every role but the listed ones unless the list excludes the role
#   resource type whole (catalog fact notResourceExcludes).
# custom:
#   id: NHI-LP-005
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Limit iam:PassRole to the ARNs of the roles the workload must pass, and add an
#     iam:PassedToService condition naming the service that receives them.
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_005

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(policy.id, holder, msg) if {
	some grant in iam.allows
	stmt := grant.stmt
	iam.covers_action(stmt, "iam:passrole")
	some resource in object.get(stmt, "resources", [])
	iam.every_role(resource)
	policy := grant.policy
	some holder in iam.undenied_holders(policy, "iam:passrole", resource)
	msg := sprintf("policy %s allows iam:PassRole%s on Resource \"%s\"%s", [lib.label(policy), how(stmt), resource, iam.condition_note(stmt)])
}

# NotResource: every role but the listed ones, unless the list excludes the role resource type.
findings contains lib.finding(policy.id, holder, msg) if {
	some grant in iam.allows
	stmt := grant.stmt
	iam.covers_action(stmt, "iam:passrole")
	iam.open_not_resource(stmt)
	not iam.service_excluded(stmt, "iam")
	not "iam:role" in iam.not_resource_excludes(stmt)
	policy := grant.policy
	some holder in iam.undenied_holders(policy, "iam:passrole", "*")
	msg := sprintf("policy %s allows iam:PassRole%s on every role but NotResource [%s]%s", [lib.label(policy), how(stmt), concat(", ", stmt.notResources), iam.condition_note(stmt)])
}

how(stmt) := "" if "iam:passrole" in {lower(a) | some a in object.get(stmt, "actions", [])}

how(stmt) := sprintf(" (through %s)", [concat(", ", sort(wildcards))]) if {
	not "iam:passrole" in {lower(a) | some a in object.get(stmt, "actions", [])}
	wildcards := {sprintf("Action \"%s\"", [iam.written_action(stmt, a)]) |
		some a in object.get(stmt, "actions", [])
		iam.matches(a, "iam:passrole")
	}
	count(wildcards) > 0
}

how(stmt) := " (through NotAction)" if {
	not iam.any_matches(object.get(stmt, "actions", []), "iam:passrole")
}
