# METADATA
# title: Permission drift
# description: |
#   Live policies allow actions or resources the declaration does not: a policy attached to a
#   declared identity or group out of band (managed or inline), a group membership added out of
#   band (groups match by name), or a declared policy whose live document
#   allows an action or resource that no Allow statement of the declared document covers, or
#   drops a condition the declared statement sets, or no longer denies what a declared Deny
#   statement denies (the statement removed or narrowed, or its declared policy detached: a Deny
#   removed widens effective permissions). The declaration is first resolved against the
#   live account (references to declared buckets, keys, secrets and roles become their live
#   values; what stays unknown is a pattern of its type). Statements compare semantically:
#   action case (messages name actions as the live document spells them), order, single value or list, IAM wildcards (a declared s3:Get* covers a live
#   s3:GetObject, and a live s3:Get* is covered by the list of every action it matches), and
#   Conditions per operator (a `*` in a StringEquals value is a character, only the Like and Arn
#   operators take wildcards; fewer values of an equality restrict more, fewer exclusions of a
#   negated operator restrict less; a live ...IfExists widens).
#   Only identities matched between declaration and live are compared. The finding is about the
#   identity; the policy or group membership is its evidence.
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

import data.nhi.lib
import data.nhi.lib.drift
import data.nhi.lib.iam

finding(resource, identity, message, evidence) := object.union(lib.finding(resource, identity, message), {"evidence": [evidence]})

# A finding that points at the declared policy (its block), or at one of its statements when
# `indexes` names some (the first): SARIF and annotations go there instead of the role's block.
located(f, policy_id, indexes) := object.union(f, {"location": policy_id, "statement": min(indexes)}) if count(indexes) > 0

located(f, policy_id, indexes) := object.union(f, {"location": policy_id}) if count(indexes) == 0

statements_of(policy) := policy.document.document.statements if policy.document.known

else := []

# The declared statements a widened live statement s stands for: the same Sid, or the statement
# whose condition s drops.
related_statements(dp, s) := {i |
	some i, ds in statements_of(dp)
	ds.effect == "Allow"
	is_string(object.get(ds, "sid", null))
	ds.sid != ""
	ds.sid == object.get(s, "sid", "")
} | {i |
	some i, ds in statements_of(dp)
	ds.effect == "Allow"
	count(drift.dropped_conditions(ds, s)) > 0
	some a in object.get(s, "actions", [])
	drift.action_covered(ds, s, a)
}

# A policy attached live that no declared policy of the same identity corresponds to.
findings contains finding(d.id, d.id, msg, link.policy) if {
	some [d, l] in drift.identity_pairs
	some link in l.policies
	not declared_counterpart(d, link.policy)
	some p in drift.live_policies(link.policy)
	msg := sprintf("%s %s has %s policy %s live, which the declaration does not attach", [l.kind, lib.label(l), type_label[p.type], lib.label(p)])
}

# A declared policy whose live document allows more.
findings contains located(finding(d.id, d.id, msg, lp.id), dp.id, where) if {
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
	msg := sprintf("policy %s of %s %s allows %s live, which the declaration does not", [lib.label(lp), l.kind, lib.label(l), concat("; ", sort(extras))])
	where := {i |
		some s in lib.allow_statements(lp)
		count(grants_not_covered(dp, s)) > 0
		some i in related_statements(dp, s)
	}
}

# A declared Deny statement the live document no longer enforces (removed or narrowed): the
# identity may do what the declaration forbids.
findings contains located(finding(d.id, d.id, msg, lp.id), dp.id, where) if {
	some [d, l] in drift.identity_pairs
	some link in l.policies
	some dlink in d.policies
	drift.policy_paired(dlink.policy, link.policy)
	some lp in drift.live_policies(link.policy)
	lp.type != "aws-managed"
	lp.document.known
	some dp in drift.declared_policies(dlink.policy)
	lost := lost_denies(dp, lp)
	count(lost) > 0
	where := {i | some i, ds in statements_of(dp); ds.effect == "Deny"; count(lost_texts(ds, lp)) > 0}
	msg := sprintf("policy %s of %s %s no longer denies %s live, which the declaration denies", [lib.label(lp), l.kind, lib.label(l), concat("; ", sort(lost))])
}

# A declared policy with Deny statements that is not attached live: none of them applies.
findings contains located(finding(d.id, d.id, msg, dp.id), dp.id, {i | some i, ds in statements_of(dp); ds.effect == "Deny"}) if {
	some [d, l] in drift.identity_pairs
	some dlink in d.policies
	some dp in drift.declared_policies(dlink.policy)
	dp.type != "aws-managed"
	identifiable(dp)
	denies := deny_statements(dp)
	count(denies) > 0
	not attached_live(l, dlink.policy)
	texts := {t | some ds in denies; some t in deny_texts(ds)}
	msg := sprintf("policy %s of %s %s is not attached live, so its Deny of %s no longer applies", [lib.label(dp), l.kind, lib.label(l), concat("; ", sort(texts))])
}

# A policy attached live to a declared group: it reaches every member.
findings contains finding(dg.id, null, msg, link.policy) if {
	some [dg, lg] in drift.group_element_pairs
	some link in lg.policies
	not declared_counterpart(dg, link.policy)
	some p in drift.live_policies(link.policy)
	msg := sprintf("group %s has %s policy %s live, which the declaration does not attach", [lib.label(lg), type_label[p.type], lib.label(p)])
}

# A group membership added live: the group's policies reach the user without review.
findings contains finding(d.id, d.id, msg, gid) if {
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

deny_statements(policy) := [s |
	policy.document.known
	some s in policy.document.document.statements
	s.effect == "Deny"
]

# A declared policy that pairing can find live: named, or with a known ARN.
identifiable(dp) if is_string(dp.name)

identifiable(dp) if is_string(object.get(dp, "arn", null))

attached_live(l, declared_policy_id) if {
	some link in l.policies
	drift.policy_paired(declared_policy_id, link.policy)
}

# What a declared Deny statement denies that no live Deny statement still denies.
lost_denies(dp, lp) := {t |
	some ds in deny_statements(dp)
	some t in lost_texts(ds, lp)
}

lost_texts(ds, lp) := {sprintf("%s on %s", [iam.written_action(ds, a), r]) |
	count(object.get(ds, "notActions", [])) == 0
	count(object.get(ds, "notResources", [])) == 0
	some a in object.get(ds, "actions", [])
	some r in object.get(ds, "resources", [])
	not still_denied(ds, lp, a, r)
} | {t |
	not plain_deny(ds)
	not same_deny_live(ds, lp)
	some t in deny_texts(ds)
}

plain_deny(ds) if {
	count(object.get(ds, "notActions", [])) == 0
	count(object.get(ds, "notResources", [])) == 0
}

# A live Deny statement denies the action on the resource wherever the declared one did: its
# patterns cover them, and each of its conditions holds whenever a declared one does.
still_denied(ds, lp, a, r) if {
	some ls in deny_statements(lp)
	iam.any_matches(object.get(ls, "actions", []), a)
	drift.denied_by(ls, ds, r)
	applies_as_widely(ds, ls)
}

applies_as_widely(ds, ls) if {
	every lc in object.get(ls, "conditions", []) {
		some dc in object.get(ds, "conditions", [])
		dc.key == lc.key
		drift.condition_restricts(lc, dc)
	}
}

# A NotAction or NotResource Deny: kept only by a live Deny written the same way.
same_deny_live(ds, lp) if {
	some ls in deny_statements(lp)
	sort(object.get(ls, "actions", [])) == sort(object.get(ds, "actions", []))
	sort(object.get(ls, "notActions", [])) == sort(object.get(ds, "notActions", []))
	sort(object.get(ls, "resources", [])) == sort(object.get(ds, "resources", []))
	sort(object.get(ls, "notResources", [])) == sort(object.get(ds, "notResources", []))
	applies_as_widely(ds, ls)
}

deny_texts(ds) := (action_texts(ds) | not_action_texts(ds)) | not_resource_texts(ds)

action_texts(ds) := {sprintf("%s on %s", [iam.written_action(ds, a), r]) |
	some a in object.get(ds, "actions", [])
	some r in object.get(ds, "resources", [])
}

not_action_texts(ds) := {sprintf("NotAction %s", [concat(",", iam.written_not_actions(ds))]) |
	count(object.get(ds, "notActions", [])) > 0
}

not_resource_texts(ds) := {sprintf("%s on NotResource %s", [iam.written_action(ds, a), concat(",", ds.notResources)]) |
	count(object.get(ds, "notResources", [])) > 0
	some a in object.get(ds, "actions", [])
}

extra_grants(dp, lp) := {g |
	some s in lib.allow_statements(lp)
	some g in grants_not_covered(dp, s)
}

grants_not_covered(dp, s) := (action_grants(dp, s) | not_resource_grants(dp, s)) | not_action_grants(dp, s)

# Action x Resource pairs no declared statement covers, or covers only with a condition the live statement drops.
action_grants(dp, s) := {text |
	some a in object.get(s, "actions", [])
	some r in object.get(s, "resources", [])
	not covered(dp, s, a, r)
	text := grant_text(dp, s, a, r)
}

grant_text(dp, s, a, r) := sprintf("%s on %s without the condition %s", [iam.written_action(s, a), r, concat(", ", sort(dropped))]) if {
	dropped := {k |
		some ds in lib.allow_statements(dp)
		drift.action_covered(ds, s, a)
		drift.resource_covered(ds, r)
		some k in drift.dropped_conditions(ds, s)
	}
	count(dropped) > 0
} else := sprintf("%s on %s", [iam.written_action(s, a), r])

covered(dp, s, action, resource) if {
	some ds in lib.allow_statements(dp)
	drift.action_covered(ds, s, action)
	drift.resource_covered(ds, resource)
	drift.conditions_kept(ds, s)
}

# Actions on NotResource: covered by a declared statement with the same NotResource list, or Resource "*".
not_resource_grants(dp, s) := {sprintf("%s on NotResource %s", [iam.written_action(s, a), concat(",", s.notResources)]) |
	count(object.get(s, "notResources", [])) > 0
	some a in object.get(s, "actions", [])
	not not_resource_covered(dp, s, a)
}

not_resource_covered(dp, s, a) if {
	some ds in lib.allow_statements(dp)
	drift.action_covered(ds, s, a)
	same_or_every_resource(ds, s)
	drift.conditions_kept(ds, s)
}

same_or_every_resource(ds, _) if iam.every_resource(ds)

same_or_every_resource(ds, s) if sort(object.get(ds, "notResources", [])) == sort(s.notResources)

not_action_grants(dp, s) := {sprintf("NotAction %s", [concat(",", iam.written_not_actions(s))])} if {
	count(object.get(s, "notActions", [])) > 0
	not same_not_action(dp, s)
} else := set()

same_not_action(dp, s) if {
	some ds in lib.allow_statements(dp)
	sort(object.get(ds, "notActions", [])) == sort(s.notActions)
	drift.conditions_kept(ds, s)
}
