# METADATA
# title: Permission drift
# description: |
#   Live policies allow actions or resources the declaration does not: a policy attached to a
#   declared identity or group out of band (managed or inline), a group membership added out of
#   band (groups match by name), or a declared policy whose live document
#   allows an action or resource that no Allow statement of the declared document covers
#   (IAM wildcards respected: a declared s3:Get* covers a live s3:GetObject, not the reverse).
#   Only identities matched between declaration and live are compared; conditions are not.
# custom:
#   id: NHI-DRIFT-003
#   severity: high
#   sources: [drift]
#   remediation: >-
#     Remove the out-of-band grant (detach the policy, delete the inline policy or re-apply the
#     declaration), then find out who made it (CloudTrail). If the access is needed, declare it
#     in stacks/ with ServiceIdentity.grant() so that it is reviewed.
#   references:
#     owasp: [NHI5, NHI6]
#     nistCsf: [PR.AA-05, DE.CM-09]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)", "164.312(b)"]
package nhi.rules.drift_003

import data.nhi.drift
import data.nhi.lib
import data.nhi.lib.iam

# A policy attached live that no declared policy of the same identity corresponds to.
findings contains lib.finding(link.policy, d.id, msg) if {
	some [d, l] in drift.identity_pairs
	some link in l.policies
	not declared_counterpart(d, link.policy)
	some p in drift.live_policies(link.policy)
	msg := sprintf("%s %s has %s policy %s live, which the declaration does not attach", [l.kind, lib.label(l), type_label[p.type], lib.label(p)])
}

# A declared policy whose live document allows more.
findings contains lib.finding(lp.id, d.id, msg) if {
	some [d, l] in drift.identity_pairs
	some link in l.policies
	some dlink in d.policies
	drift.policy_paired(dlink.policy, link.policy)
	some lp in drift.live_policies(link.policy)
	lp.type != "aws-managed"
	some dp in drift.declared_policies(dlink.policy)
	dp.document.known
	extras := extra_grants(dp, lp)
	count(extras) > 0
	msg := sprintf("policy %s of %s %s allows %s live, which the declaration does not", [lib.label(lp), l.kind, lib.label(l), concat(", ", sort(extras))])
}

# A policy attached live to a declared group: it reaches every member.
findings contains lib.finding(link.policy, null, msg) if {
	some [dg, lg] in drift.group_element_pairs
	some link in lg.policies
	not declared_counterpart(dg, link.policy)
	some p in drift.live_policies(link.policy)
	msg := sprintf("group %s has %s policy %s live, which the declaration does not attach", [lib.label(lg), type_label[p.type], lib.label(p)])
}

# A group membership added live: the group's policies reach the user without review.
findings contains lib.finding(gid, d.id, msg) if {
	some [d, l] in drift.identity_pairs
	some gid in object.get(l, "groups", [])
	not declared_group(d, gid)
	msg := sprintf("%s %s is a member of group %s live, which the declaration does not add", [l.kind, lib.label(l), group_name(gid)])
}

declared_group(d, live_group_id) if {
	some dg in object.get(d, "groups", [])
	drift.group_paired(dg, live_group_id)
}

group_name(gid) := g.name if {
	some g in input.live.groups
	g.id == gid
	is_string(g.name)
} else := gid

type_label := {"inline": "inline", "managed": "customer managed", "aws-managed": "AWS managed"}

declared_counterpart(d, live_policy_id) if {
	some dlink in d.policies
	drift.policy_paired(dlink.policy, live_policy_id)
}

extra_grants(dp, lp) := {g |
	some s in lib.allow_statements(lp)
	some g in grants_not_covered(dp, s)
}

grants_not_covered(dp, s) := action_grants(dp, s) | not_action_grants(dp, s)

action_grants(dp, s) := {sprintf("%s on %s", [a, r]) |
	some a in object.get(s, "actions", [])
	some r in object.get(s, "resources", [])
	not covered(dp, a, r)
}

not_action_grants(dp, s) := {sprintf("NotAction %s", [concat(",", s.notActions)])} if {
	count(object.get(s, "notActions", [])) > 0
	not same_not_action(dp, s)
} else := set()

covered(dp, action, resource) if {
	some ds in lib.allow_statements(dp)
	iam.any_matches(object.get(ds, "actions", []), action)
	iam.any_matches(object.get(ds, "resources", []), resource)
}

same_not_action(dp, s) if {
	some ds in lib.allow_statements(dp)
	sort(object.get(ds, "notActions", [])) == sort(s.notActions)
}
