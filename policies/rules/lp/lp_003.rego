# METADATA
# title: Write or permissions-management actions on every resource
# description: |
#   An Allow statement grants actions of AWS access level Write or Permissions management on
#   Resource "*". Wildcards such as "s3:Put*" count through the AWS IAM action catalog
#   (expandedActions); actions that accept only "*" (wildcardOnly) are excluded, and so is each
#   action covered by an unconditioned Deny reaching the same identity. Action "*" is left to
#   NHI-LP-001. NotAction and NotResource count for what they grant (catalog facts of
#   checks/enrich/complement.ts): the actions NotAction leaves in a service it excludes in part,
#   and for each service it leaves whole, the count of that service's write actions that accept a
#   resource ARN (named "<service>:*"); NotResource reaches every resource but the listed ones,
#   unless it excludes every resource type of the action. The catalog files permissions actions as
#   "Permissions management, Write" and tagging actions as "Tagging, Write": the former count,
#   tagging does not. The actions of a service-wide wildcard (s3:*) on every resource are left to
#   NHI-LP-002, whose finding names this rule. One finding per policy and identity, naming the
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
# reaches (usually none) filters them. At 10k resources this rule's intermediate values in the
# WASM module went from 142 to 36 MB: per holder, every NotAction statement had counted and
# labelled its some 450 services again, and every action had built the holder's Deny scope again.
findings contains lib.finding(policy.id, holder, msg) if {
	some i, policy in lib.policies
	count(candidate_writes[i]) + count(candidate_services[i]) > 0
	some holder in iam.holders(policy.id)
	[total, names] := holder_summary(i, iam.every_resource_denies(policy, holder))
	total > 0
	msg := sprintf(
		"policy %s allows %d write or permissions-management action(s) on Resource \"*\": %s%s",
		[lib.label(policy), total, concat(", ", array.slice(names, 0, shown)), lib.and_more(count(names), shown)],
	)
}

# The catalog's write actions the policy's Allow statements grant on every resource, by the
# policy's index in lib.policies.
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

# [service, number of its write actions that take a resource] for the services NotAction grants
# whole on every resource, by the policy's index in lib.policies.
candidate_services[i] := {pair |
	some stmt in lib.allow_statements(policy)
	some pair in whole_write_counts(stmt)
} if {
	some i, policy in lib.policies
}

# The same for one statement. A statement on Resource "*" whose grants are a shared entry of the
# compact input (input.grants, checks/engine/compactInput.ts) takes that entry's counts, computed
# once per entry instead of once per statement (some 450 services each).
whole_write_counts(stmt) := shared_write_counts[iam.not_action_grants_ref(stmt)] if {
	iam.every_resource(stmt)
} else := {[g.service, n] |
	some g in iam.whole_services(stmt)
	iam.every_resource_of_service(stmt, g.service)
	n := write_count(g)
	n > 0
}

shared_write_counts[ref] := {[g.service, n] |
	some g in grants
	g.all
	n := write_count(g)
	n > 0
} if {
	some ref, grants in object.get(input, "grants", {})
}

# The number of a whole service's write actions that take a resource.
write_count(g) := sum([c | some level, c in object.get(g, "resourceLevels", {}); write_level(level)])

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

# [number of actions, their names] of what the policy at index i grants a holder whom denies reach.
holder_summary(i, denies) := candidate_summary[i] if {
	count(denies) == 0
} else := summary(
	{a | some a in candidate_writes[i]; not iam.denied_by(denies, lower(a))},
	{[svc, n] | some [svc, n] in candidate_services[i]; not iam.denied_by(denies, concat(":", [svc, "*"]))},
)

# The summary of the policy's candidates, computed once for every holder no Deny reaches.
candidate_summary[i] := summary(actions, candidate_services[i]) if {
	some i, actions in candidate_writes
}

summary(actions, whole) := [
	count(actions) + sum([n | some [_, n] in whole]),
	array.concat(sort(actions), sort([label_of(pair) | some pair in whole])),
]

# The label of a [service, count] pair; those of the shared entries are made once (format_int
# allocates in the WASM module, and every NotAction statement on "*" names some 450 services).
label_of(pair) := label if {
	label := shared_labels[pair]
} else := whole_label(pair[0], pair[1])

shared_labels := {pair: whole_label(pair[0], pair[1]) |
	some pairs in shared_write_counts
	some pair in pairs
}

# "s3:* (12)": concat and format_int run inside the WASM module, sprintf is a call out to
# JavaScript with its arguments serialized (a NotAction statement names some 400 services).
whole_label(svc, n) := concat("", [svc, ":* (", format_int(n, 10), ")"]) if is_string(svc)
