# METADATA
# title: Write or permissions-management actions on every resource
# description: |
#   An Allow statement grants actions of AWS access level Write or Permissions management on
#   Resource "*". Wildcards such as "s3:Put*" count through the AWS IAM action catalog
#   (expandedActions); actions that accept only "*" (wildcardOnly) are excluded, and so is each
#   action covered by an unconditioned Deny reaching the same identity. Action "*" is left to
#   NHI-LP-001. NotAction and NotResource count for what they grant (catalog facts of
#   checks/enrich/complement.ts): the write actions NotAction leaves in a service it excludes in
#   part count here; NotResource reaches every resource but the listed ones, unless it excludes
#   every resource type of the action. The catalog files permissions actions as
#   "Permissions management, Write" and tagging actions as "Tagging, Write": the former count,
#   tagging does not. A service granted whole on every resource, by a service-wide wildcard (s3:*)
#   or by NotAction leaving it whole (NotAction [iam:*, organizations:*] on "*"), is NHI-LP-002's
#   finding, which names this rule: its write actions are not reported again here (one finding
#   where the two rules would say the same thing). One finding per policy and identity, naming the
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

# Write and permissions-management access levels; the catalog combines them ("Permissions
# management, Write"), and files tagging as "Tagging, Write", which is not counted.
write_level("Write")

write_level("Permissions management")

# Only a combined level is split: split allocates a list in the WASM module on every call, and a
# NotAction statement asks for every level of some 400 services (about 20 MB at 10k resources).
write_level(level) if {
	contains(level, ", ")
	"Permissions management" in split(level, ", ")
}

shown := 5

# What a policy grants on every resource is the same for each of its holders; only the Deny
# statements that take actions back depend on the holder. So the candidates and their summary are
# computed once per policy (rules, memoized), and a holder whom an unconditioned Deny on "*"
# reaches (usually none) filters them.
findings contains lib.finding(policy.id, holder, msg) if {
	some i, policy in lib.policies
	count(candidate_writes[i]) > 0
	some holder in iam.holders(policy.id)
	names := holder_writes(i, iam.every_resource_denies(policy, holder))
	count(names) > 0
	msg := sprintf(
		"policy %s allows %d write or permissions-management action(s) on Resource \"*\": %s%s",
		[lib.label(policy), count(names), concat(", ", array.slice(names, 0, shown)), lib.and_more(count(names), shown)],
	)
}

# The catalog's write actions the policy's Allow statements grant on every resource, by the
# policy's index in lib.policies. The services NotAction leaves whole are not among them
# (iam.granted_actions): they are NHI-LP-002's, as are the actions of a service-wide wildcard.
candidate_writes[i] := {e.action |
	some stmt in lib.allow_statements(policy)
	wides := service_wildcards(stmt)
	some e in iam.granted_actions(stmt)
	write_level(e.accessLevel)
	not e.wildcardOnly
	iam.every_resource_for(stmt, e)
	not service_wide(wides, e.action)
} if {
	some i, policy in lib.policies
}

# The statement's service-wide wildcards (s3:*) on every resource of their service.
service_wildcards(stmt) := [a |
	some a in object.get(stmt, "actions", [])
	data.nhi.rules.lp_002.service_wildcard(lower(a))
	iam.every_resource_of_service(stmt, iam.service_of(a))
]

# Actions granted through a service-wide wildcard (s3:*) on every resource are NHI-LP-002's
# finding, which names this rule: one finding per statement.
service_wide(wides, action) if {
	some a in wides
	iam.matches(a, action)
}

# The sorted names of the write actions the policy at index i grants a holder whom denies reach.
holder_writes(i, denies) := candidate_names[i] if {
	count(denies) == 0
} else := sort([a | some a in candidate_writes[i]; not iam.denied_by(denies, lower(a))])

# The sorted candidates, once for every holder no Deny reaches.
candidate_names[i] := sort(actions) if {
	some i, actions in candidate_writes
}
