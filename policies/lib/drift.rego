# METADATA
# title: Helpers shared by the drift rules
# description: |
#   The drift input is {source: "drift", now, declared: Inventory, live: Inventory, matches}.
#   `matches` is computed in TypeScript (checks/drift/match.ts): pairs of element ids that are the
#   same thing declared and live (identities by kind and name, secrets by name, access keys by key
#   id, policies by name or ARN within a matched identity), and `unnamed`: declared elements whose
#   name is known only after apply, which cannot be matched, and `unread`: declared elements whose
#   live counterpart lies in a gap of the live read. What counts as drift is decided here.
package nhi.lib.drift

import data.nhi.lib
import data.nhi.lib.iam

# The live Inventory of a drift input, or the Inventory of a live input (rules with sources drift and live).
live_inventory := input.live if input.source == "drift"

live_inventory := input.inventory if input.source == "live"

declared_identities := [i |
	some i in input.declared.identities
	i.change != "delete"
]

declared_secrets := [c |
	some c in input.declared.credentials
	c.kind == "secret"
	c.change != "delete"
]

matched_declared := {m.declared | some m in input.matches.identities} | {m.declared | some m in input.matches.credentials}

matched_live := {m.live | some m in input.matches.identities} | {m.live | some m in input.matches.credentials}

# Declared elements whose live counterpart lies in a gap of the live read (matches.unread, checks/drift/unread.ts):
# not compared, so never "missing live"; the gap is in the findings document (exit 3).
unread_declared := {u.declared | some u in object.get(input.matches, "unread", [])}

# Lookups by id (ids are unique within one Inventory; the snapshot loader checks it for live).
live_identity := {i.id: i | some i in input.live.identities}

live_credential := {c.id: c | some c in input.live.credentials}

live_policy := {p.id: p | some p in input.live.policies}

declared_identity := {i.id: i | some i in declared_identities}

declared_secret := {c.id: c | some c in declared_secrets}

# Pairs [declared element, live element] of identities and of secrets.
identity_pairs contains [declared_identity[m.declared], live_identity[m.live]] if {
	some m in input.matches.identities
}

secret_pairs contains [declared_secret[m.declared], l] if {
	some m in input.matches.credentials
	l := live_credential[m.live]
	l.kind == "secret"
}

policy_pairs := {[m.declared, m.live] | some m in input.matches.policies}

policy_paired(declared_id, live_id) if [declared_id, live_id] in policy_pairs

group_pairs := {[m.declared, m.live] | some m in object.get(input.matches, "groups", [])}

# Pairs [declared group, live group] (groups match by name).
group_element_pairs contains [dg, lg] if {
	some [did, lid] in group_pairs
	some dg in input.declared.groups
	dg.id == did
	some lg in input.live.groups
	lg.id == lid
}

group_paired(declared_id, live_id) if [declared_id, live_id] in group_pairs

# Live policies by id, as a list (empty when the id is not in the live Inventory).
live_policies(id) := [p | p := live_policy[id]]

declared_policy := {p.id: p | some p in input.declared.policies}

# Declared policies by id, as a list (checks/drift/match.ts keeps one element per id).
declared_policies(id) := [p | p := declared_policy[id]]

# AWS service-linked roles and allow-listed paths (policy data driftExemptPaths) are not shadow NHIs.
exempt(identity) if {
	some prefix in lib.config.driftExemptPaths
	startswith(object.get(identity, "path", "/"), prefix)
}

exempt(identity) if {
	identity.kind == "role"
	startswith(object.get(identity, "name", ""), "AWSServiceRoleFor")
	startswith(object.get(identity, "path", "/"), "/aws-service-role/")
}

# Declared secrets whose region is unknown while live has their name in several regions
# (checks/drift/match.ts): not compared with any candidate.
ambiguous_declared := {a.declared | some a in object.get(input.matches, "ambiguous", [])}

# --- statement comparison (NHI-DRIFT-003, NHI-DRIFT-007) ---------------------------------------
# Declared documents arrive resolved against the live account (checks/drift/resolve.ts): a
# reference is the live value of what it names, or a pattern of its resource type. Statements
# compare semantically: actions case-insensitively with IAM wildcards (a declared s3:Get* covers a
# live s3:GetObject; a live s3:Get* is covered when every catalog action it matches is), order and
# single value vs list do not matter (the loaders normalize both), and Conditions count.

# The live action is covered by the declared statement ds, directly or through its catalog expansion.
action_covered(ds, _, action) if iam.any_matches(object.get(ds, "actions", []), action)

action_covered(ds, s, action) if {
	wildcard(action)
	not iam.full_wildcard(action)
	expanded := expansion(s, action)
	count(expanded) > 0
	every e in expanded {
		iam.any_matches(object.get(ds, "actions", []), e)
	}
}

wildcard(action) if contains(action, "*")

wildcard(action) if contains(action, "?")

# The declared statement's Resource patterns cover the live entry. A plan that states only the
# reference of an expression (checks/drift/resolve.ts: referenceResources) leaves its entries
# V open below: V, V/* or V:*, never a name that merely starts with V.
resource_covered(ds, r) if iam.any_matches(object.get(ds, "resources", []), r)

resource_covered(ds, r) if {
	some v in object.get(ds, "referenceResources", [])
	some p in [sprintf("%s/*", [v]), sprintf("%s:*", [v])]
	iam.matches(p, r)
}

# A live Deny statement's patterns deny the declared entry: for an open reference entry, what
# it may stand for (lenient: any of V, V/*, V:*).
denied_by(ls, _, r) if iam.any_matches(object.get(ls, "resources", []), r)

denied_by(ls, ds, r) if {
	r in object.get(ds, "referenceResources", [])
	some p in [sprintf("%s/*", [r]), sprintf("%s:*", [r])]
	iam.any_matches(object.get(ls, "resources", []), p)
}

# The catalog actions (lower case) a live wildcard matches, from the statement's enrichment.
expansion(s, action) := {lower(e.action) |
	some e in iam.expanded_actions(s)
	iam.matches(action, e.action)
}

# Every condition of the declared statement is kept by the live one: a live condition on the
# same key restricts at least as much, per operator (drift_conditions.rego). Extra live
# conditions only restrict.
conditions_kept(ds, s) if {
	every dc in object.get(ds, "conditions", []) {
		condition_kept(dc, s)
	}
}

condition_kept(dc, s) if {
	some lc in object.get(s, "conditions", [])
	lc.key == dc.key
	condition_restricts(dc, lc)
}

# The declared conditions the live statement drops or widens, as `key` names.
dropped_conditions(ds, s) := {iam.written_key(dc) |
	some dc in object.get(ds, "conditions", [])
	not condition_kept(dc, s)
}
