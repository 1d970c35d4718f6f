# METADATA
# title: Service-wide wildcard on every resource
# description: |
#   An Allow statement grants every action of a service ("s3:*", "iam:*", ...) on Resource "*".
#   An unconditioned Deny reaching the same identity that covers the wildcard removes the finding.
#   Conditions on the Allow are shown in the message but do not clear it: the grant is still
#   service-wide. Action "*" is NHI-LP-001, not this rule.
#   NotAction and NotResource count for what they grant (catalog facts of checks/enrich/complement.ts):
#   an Allow with NotAction grants every action of each service its list does not touch, so such a
#   statement on every resource is one finding naming those services (their write actions are part
#   of it: NHI-LP-003 does not report them again); a service wildcard with
#   NotResource reaches every resource of the service but the listed ones unless the list excludes
#   all of the service's resource types.
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
	some action in object.get(stmt, "actions", [])
	service_wildcard(lower(action))
	iam.every_resource_of_service(stmt, iam.service_of(action))
	some holder in iam.holders(policy.id)
	not iam.denied(policy, holder, lower(action), "*")
	msg := sprintf(
		"policy %s allows every %s action (Action \"%s\") on %s%s%s",
		[lib.label(policy), split(lower(action), ":")[0], iam.written_action(stmt, action), iam.resource_scope(stmt), iam.condition_note(stmt), writes_note(stmt, action)],
	)
}

# NotAction: the services granted whole on every resource, one finding per statement.
findings contains lib.finding(policy.id, holder, msg) if {
	some policy in lib.policies
	some stmt in lib.allow_statements(policy)
	open := whole_open_services(stmt)
	count(open) > 0
	some holder in iam.holders(policy.id)
	services := undenied(open, iam.every_resource_denies(policy, holder))
	count(services) > 0
	msg := sprintf(
		"policy %s allows every action of %d service(s) through NotAction [%s] on %s%s: %s%s (their write and permissions-management actions, NHI-LP-003, are part of this finding)",
		[
			lib.label(policy), count(services), concat(", ", iam.written_not_actions(stmt)), iam.resource_scope(stmt),
			iam.condition_note(stmt), concat(", ", array.slice(services, 0, shown)), lib.and_more(count(services), shown),
		],
	)
}

# The services (sorted) a NotAction statement grants whole, each on every resource of it. A
# statement on Resource "*" whose grants are a shared entry of the compact input (input.grants,
# checks/engine/compactInput.ts) takes that entry's list, made once per entry instead of once per
# statement (some 450 services each).
whole_open_services(stmt) := shared_whole_services[iam.not_action_grants_ref(stmt)] if {
	iam.every_resource(stmt)
} else := sort([g.service |
	some g in iam.whole_services(stmt)
	iam.every_resource_of_service(stmt, g.service)
])

shared_whole_services[ref] := sort([g.service | some g in grants; g.all]) if {
	some ref, grants in object.get(input, "grants", {})
}

# The services (sorted) no Deny of denies takes whole. The services a statement grants whole on
# every resource are the same for each holder; per holder and service, building the Deny scope
# again was most of this rule's memory in the WASM module.
undenied(services, denies) := services if {
	count(denies) == 0
} else := [svc |
	some svc in services
	not iam.denied_by(denies, concat(":", [svc, "*"]))
]

# The write actions the wildcard includes are not reported again by NHI-LP-003: this finding names it.
writes_note(stmt, action) := " (its write and permissions-management actions, NHI-LP-003, are part of this finding)" if {
	some e in iam.expanded_actions(stmt)
	data.nhi.rules.lp_003.write_level(e.accessLevel)
	not e.wildcardOnly
	iam.matches(action, e.action)
} else := ""

shown := 5

# "<service>:*" (service letters, digits and dashes), tested with string functions: regex.match on
# every action made the compiled WASM aggregator stall on a statement of a hundred actions.
service_wildcard(a) if {
	parts := split(a, ":")
	count(parts) == 2
	parts[1] == "*"
	parts[0] != ""
	trim(parts[0], "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}
