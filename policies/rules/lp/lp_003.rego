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

findings contains lib.finding(policy.id, holder, msg) if {
	some policy in lib.policies
	some holder in iam.holders(policy.id)
	actions := writes_on_every_resource(policy, holder)
	whole := whole_service_writes(policy, holder)
	total := count(actions) + sum([n | some [_, n] in whole])
	total > 0
	names := array.concat(sort(actions), sort([whole_label(svc, n) | some [svc, n] in whole]))
	msg := sprintf(
		"policy %s allows %d write or permissions-management action(s) on Resource \"*\": %s%s",
		[lib.label(policy), total, concat(", ", array.slice(names, 0, shown)), lib.and_more(count(names), shown)],
	)
}

writes_on_every_resource(policy, holder) := {e.action |
	some stmt in lib.allow_statements(policy)
	some e in iam.granted_actions(stmt)
	write_level(e.accessLevel)
	not e.wildcardOnly
	iam.every_resource_for(stmt, e)
	not service_wide(stmt, e.action)
	not iam.denied(policy, holder, lower(e.action), "*")
}

# Actions granted through a service-wide wildcard (s3:*) on every resource are NHI-LP-002's
# finding, which names this rule: one finding per statement.
service_wide(stmt, action) if {
	some a in object.get(stmt, "actions", [])
	data.nhi.rules.lp_002.service_wildcard(lower(a))
	iam.matches(a, action)
	iam.every_resource_of_service(stmt, iam.service_of(a))
}

# [service, number of its write actions that take a resource] for the services NotAction grants whole.
whole_service_writes(policy, holder) := {[g.service, n] |
	some stmt in lib.allow_statements(policy)
	some g in iam.whole_services(stmt)
	iam.every_resource_of_service(stmt, g.service)
	not iam.denied(policy, holder, concat(":", [g.service, "*"]), "*")
	n := sum([c | some level, c in object.get(g, "resourceLevels", {}); write_level(level)])
	n > 0
}

# "s3:* (12)": concat and format_int run inside the WASM module, sprintf is a call out to
# JavaScript with its arguments serialized (a NotAction statement names some 400 services).
whole_label(svc, n) := concat("", [svc, ":* (", format_int(n, 10), ")"]) if is_string(svc)
