# METADATA
# title: IAM evaluation helpers shared by the least-privilege and trust rules
# description: |
#   How nhi-guard reads IAM statements, in one place so that every rule agrees:
#   - Actions and resources match case-insensitively, with the IAM wildcards * and ?.
#   - An Allow with NotAction grants every action its NotAction list does not match.
#   - Deny overrides Allow: a Deny statement WITHOUT conditions, in any policy that reaches the
#     same identity (directly or through a group), that covers the action and the resource
#     removes the Allow finding. A conditional Deny is not assumed to apply.
#   - A condition "restricts" when its operator is positive (StringEquals/Like, ArnEquals/Like,
#     ForAnyValue:...), it is not ...IfExists nor ForAllValues:..., and none of its values is a
#     bare wildcard under a wildcard-aware operator.
package nhi.lib.iam

import data.nhi.lib

# --- matching ---------------------------------------------------------------------------------

# IAM patterns: * and ? wildcards, no delimiter (a * spans ':' and '/'), case-insensitive.
matches(pattern, value) if glob_match(lower(pattern), lower(value))

# IAM wildcards, case-sensitive (condition values). glob.match reads [ ] { } \ and , as its own
# syntax, and the WASM runtime's glob also mistakes ( ) and $ (no match, or a silent false):
# each of them becomes, in pattern and value alike, a private-use character (U+E000 plus its
# code) that both runtimes take literally, so only * and ? are wildcards, as in IAM. The loaders
# never let a private-use character in from input (a document holding one is NHI-UNK-002).
# Delimiters null: a * spans every character ([] would make "." a delimiter, so that
# arn:aws:s3:::* missed a bucket named with dots).
glob_match(pattern, value) if glob.match(strings.replace_n(glob_literals, pattern), null, strings.replace_n(glob_literals, value))

glob_literals := {
	"[": "\ue05b", "]": "\ue05d", "{": "\ue07b", "}": "\ue07d", "\\": "\ue05c", ",": "\ue02c",
	"(": "\ue028", ")": "\ue029", "$": "\ue024",
}

# Digits only, of a length within [lo, hi]: string functions, never regex.match on input (it
# stalled the compiled WASM aggregator on large statements).
digits(s, lo, hi) if {
	is_string(s)
	count(s) >= lo
	count(s) <= hi
	trim(s, "0123456789") == ""
}

# A 12-digit AWS account id.
account_id(s) if digits(s, 12, 12)

# A string holding an IAM wildcard.
wildcard(s) if contains(s, "*")

wildcard(s) if contains(s, "?")

# The user's spelling of a statement's (lower-case) action, for messages: the loaders keep it in
# writtenActions (same order as actions) when it differs; the first spelling of that action wins.
written_action(stmt, action) := spelled[0] if {
	spelled := [w |
		some i, a in object.get(stmt, "actions", [])
		a == action
		w := stmt.writtenActions[i]
	]
	count(spelled) > 0
} else := action

# The statement's NotAction list as the user wrote it.
written_not_actions(stmt) := stmt.writtenNotActions if {
	count(stmt.writtenNotActions) == count(stmt.notActions)
} else := object.get(stmt, "notActions", [])

any_matches(patterns, value) if {
	some p in patterns
	matches(p, value)
}

full_wildcard(action) if action in {"*", "*:*"}

# Allow/Deny statement covers the lower-case action name (directly, by wildcard, or by NotAction).
covers_action(stmt, action) if any_matches(object.get(stmt, "actions", []), action)

covers_action(stmt, action) if {
	nots := stmt.notActions
	is_array(nots)
	count(nots) > 0
	not any_matches(nots, action)
}

# The statement's Resource list holds "*".
every_resource(stmt) if "*" in object.get(stmt, "resources", [])

# --- NotAction and NotResource, through the catalog facts of checks/enrich/complement.ts ------

# An Allow that names resources by exception: a non-empty NotResource list without "*".
open_not_resource(stmt) if {
	nots := stmt.notResources
	is_array(nots)
	count(nots) > 0
	not "*" in nots
}

service_of(action) := split(lower(action), ":")[0]

not_resource_excludes(stmt) := {x | some x in object.get(stmt, "notResourceExcludes", [])}

# NotResource excludes every resource type of the service.
service_excluded(stmt, service) if concat(":", [service, "*"]) in not_resource_excludes(stmt)

# NotResource excludes every resource type the expanded action e accepts.
types_excluded(stmt, e) if service_excluded(stmt, service_of(e.action))

types_excluded(stmt, e) if {
	rts := object.get(e, "resourceTypes", [])
	count(rts) > 0
	excl := not_resource_excludes(stmt)
	service := service_of(e.action)
	every rt in rts {
		concat(":", [service, rt]) in excl
	}
}

# The statement grants the expanded action e on every resource (but those a NotResource list
# names): Resource "*", or NotResource that leaves some resource type of the action in.
every_resource_for(stmt, _) if every_resource(stmt)

every_resource_for(stmt, e) if {
	open_not_resource(stmt)
	not types_excluded(stmt, e)
}

# The same by action name (lower-case), for rules that name actions: the catalog facts of the
# statement say which resource types the action accepts when it was expanded.
reaches_every(stmt, _) if every_resource(stmt)

reaches_every(stmt, action) if {
	open_not_resource(stmt)
	not service_excluded(stmt, service_of(action))
	not named_types_excluded(stmt, action)
}

named_types_excluded(stmt, action) if {
	some e in granted_actions(stmt)
	lower(e.action) == action
	types_excluded(stmt, e)
}

# Every resource of a service (a service wildcard, or a service NotAction grants whole).
every_resource_of_service(stmt, _) if every_resource(stmt)

every_resource_of_service(stmt, service) if {
	open_not_resource(stmt)
	not service_excluded(stmt, service)
}

# The catalog actions an Allow grants: its expanded Action list and, for NotAction, the actions
# left in the services it excludes in part. Services it leaves whole are whole_services.
granted_actions(stmt) := array.concat(expanded_actions(stmt), [a |
	some g in not_action_grants(stmt)
	not g.all
	some a in g.actions
])

# A statement's catalog actions (its Action list expanded): on the statement (the documented
# Inventory), or, in the pack's compact input (checks/engine/compactInput.ts), in the shared table
# input.expansions under the statement's expandedActionsRef.
expanded_actions(stmt) := object.get(stmt, "expandedActions", object.get(object.get(input, "expansions", {}), object.get(stmt, "expandedActionsRef", ""), []))

# A NotAction statement's grants: on the statement (the documented Inventory), or, in the pack's
# compact input (checks/engine/compactInput.ts), in the shared table input.grants under the
# statement's notActionGrantsRef.
not_action_grants(stmt) := object.get(stmt, "notActionGrants", object.get(object.get(input, "grants", {}), object.get(stmt, "notActionGrantsRef", ""), []))

# The key in input.grants of a statement's NotAction grants (the compact input), for a rule that
# computes something once per shared entry; undefined when the statement holds its own grants.
not_action_grants_ref(stmt) := stmt.notActionGrantsRef if not "notActionGrants" in object.keys(stmt)

# The services an Allow with NotAction grants whole (every action, present and future).
whole_services(stmt) := [g |
	some g in not_action_grants(stmt)
	g.all
]

# A Resource entry that names every role: "*", arn:<partition>:iam::<account or *>:role/* (or
# :*, :role*), and the service wildcards arn:*.
every_role("*")

every_role(resource) if {
	parts := split(lower(resource), ":")
	count(parts) == 6
	parts[0] == "arn"
	parts[2] in {"iam", "*"}
	parts[5] in {"*", "role*", "role/*"}
}

every_role(resource) if lower(resource) in {"arn:*", "arn:aws:*", "arn:aws:iam::*"}

# The statement lets its holder pass any role: iam:PassRole on every role, or NotResource that
# leaves roles in.
passes_every_role(stmt) if {
	covers_action(stmt, "iam:passrole")
	some resource in object.get(stmt, "resources", [])
	every_role(resource)
}

passes_every_role(stmt) if {
	covers_action(stmt, "iam:passrole")
	open_not_resource(stmt)
	not service_excluded(stmt, "iam")
	not "iam:role" in not_resource_excludes(stmt)
}

# How a statement reaches every resource, for messages.
resource_scope(stmt) := "Resource \"*\"" if every_resource(stmt)

resource_scope(stmt) := sprintf("every resource but NotResource [%s]", [concat(", ", stmt.notResources)]) if {
	not every_resource(stmt)
	open_not_resource(stmt)
}

# --- identities, policies, holders ------------------------------------------------------------

# Lookup tables, each built once per evaluation (rules are memoized; functions are not, so a
# function that scanned every identity per call made the pack quadratic on large plans).
identities_by_id := {i.id: i | some i in lib.identities}

groups_by_id := {g.id: g | some g in input.inventory.groups}

policies_by_id := {p.id: p | some p in lib.policies}

identity_by_id(id) := identities_by_id[id]

# Policy ids that reach each identity: attached or inline, and through its groups.
effective_policies[iid] contains pid if {
	some i in lib.identities
	iid := i.id
	some l in i.policies
	pid := l.policy
}

effective_policies[iid] contains pid if {
	some i in lib.identities
	iid := i.id
	some gid in object.get(i, "groups", [])
	some l in groups_by_id[gid].policies
	pid := l.policy
}

# Identity ids holding each policy, directly or through a group.
holders_of[pid] contains iid if {
	some iid, pids in effective_policies
	some pid in pids
}

policy_ids_of(identity) := effective_policies[identity.id]

policy_ids_of(identity) := set() if not effective_policies[identity.id]

# Identity ids that hold a policy directly or through a group, or {null} when none.
holders(policy_id) := ids if {
	ids := holders_of[policy_id]
} else := {null}

# The policies whose Deny statements apply together with policy for holder.
scope(policy, null) := {policy.id}

scope(policy, holder) := policy_ids_of(identity_by_id(holder)) | {policy.id} if holder != null

# Deny statements without any condition, by policy id.
plain_denies_of[pid] contains s if {
	some p in lib.policies
	pid := p.id
	p.document.known
	some s in p.document.document.statements
	s.effect == "Deny"
	count(object.get(s, "conditions", [])) == 0
}

# Deny statements without any condition in the given policies.
plain_denies(policy_ids) := [s |
	some pid in policy_ids
	some s in plain_denies_of[pid]
]

deny_covers_resource(stmt, resource) if any_matches(object.get(stmt, "resources", []), resource)

# Deny with NotResource: covers a specific resource it does not except, never "*".
deny_covers_resource(stmt, resource) if {
	resource != "*"
	nots := stmt.notResources
	is_array(nots)
	not any_matches(nots, resource)
}

# The walk the least-privilege rules share: every Allow statement of the input's policies, with
# its policy (built once per evaluation). A rule picks the statements it judges, then asks for
# the holders no Deny takes the grant from (undenied_holders).
allows := [{"policy": p, "stmt": s} |
	some p in lib.policies
	some s in lib.allow_statements(p)
]

# The identity ids holding policy (or null when none holds it) whom no unconditioned Deny of
# action (lower-case) on resource reaches.
undenied_holders(policy, action, resource) := {h |
	some h in holders(policy.id)
	not denied(policy, h, action, resource)
}

# True when an unconditioned Deny reaching holder covers action (lower-case) on resource.
denied(policy, holder, action, resource) if {
	some s in plain_denies(scope(policy, holder))
	covers_action(s, action)
	deny_covers_resource(s, resource)
}

# The unconditioned Deny statements reaching holder with policy that cover Resource "*", for a
# rule that judges many actions on "*" per holder: built once per holder instead of the scope
# once per action. denied(policy, holder, action, "*") is
# denied_by(every_resource_denies(policy, holder), action); the list is usually empty.
every_resource_denies(policy, holder) := [s |
	some s in plain_denies(scope(policy, holder))
	deny_covers_resource(s, "*")
]

# One of denies covers the (lower-case) action.
denied_by(denies, action) if {
	some s in denies
	covers_action(s, action)
}

# --- conditions -------------------------------------------------------------------------------

base_operator(op) := trim_prefix(trim_prefix(lower(op), "foranyvalue:"), "forallvalues:")

wildcard_aware := {"stringlike", "arnlike", "arnequals"}

restricting_operators := {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}

only_wildcards(v) if {
	v != ""
	trim(v, "*?") == ""
}

# A condition that narrows who or what matches (see the package description).
restricts(cond) if {
	positive(cond)
	not wildcard_value(base_operator(cond.operator), cond.values)
}

# A condition that must match for the statement to apply (whatever its values).
positive(cond) if {
	not startswith(lower(cond.operator), "forallvalues:")
	base_operator(cond.operator) in restricting_operators
	count(cond.values) > 0
}

wildcard_value(op, values) if {
	op in wildcard_aware
	some v in values
	only_wildcards(v)
}

# Condition keys as "k1, k2" for messages.
condition_keys(stmt) := concat(", ", sort({written_key(c) | some c in object.get(stmt, "conditions", [])}))

# A condition key as the user wrote it (sts:ExternalId): the loaders keep it in writtenKey when it
# differs from the lower-case key the rules compare.
written_key(c) := object.get(c, "writtenKey", c.key)

# " (under condition k1, k2)" or "" for messages.
condition_note(stmt) := "" if count(object.get(stmt, "conditions", [])) == 0

condition_note(stmt) := sprintf(" (under condition %s)", [condition_keys(stmt)]) if count(object.get(stmt, "conditions", [])) > 0

# --- trust policies ---------------------------------------------------------------------------

# Allow statements of an identity's trust (assume-role) policy, when the document is known.
trust_allows(identity) := [s |
	identity.trust.known
	some s in identity.trust.document.statements
	s.effect == "Allow"
]

principal_list(stmt, kind) := object.get(object.get(stmt, "principals", {}), kind, [])

# The AWS account of an AWS principal: a bare 12-digit id or an IAM ARN. Undefined otherwise.
account_of(principal) := principal if account_id(principal)

account_of(principal) := parts[4] if {
	parts := split(principal, ":")
	count(parts) >= 6
	parts[0] == "arn"
	parts[2] == "iam"
	account_id(parts[4])
}

# The inventory's own accounts: inventory.accountId with the accounts the user named
# (inventory.ownAccounts: --own-account or policy data ownAccounts), else the accounts in
# identities' ARNs.
named_accounts := {a | some a in object.get(input.inventory, "ownAccounts", []); is_string(a)}

own_accounts := {input.inventory.accountId} | named_accounts if is_string(input.inventory.accountId)

own_accounts := {a |
	some i in input.inventory.identities
	is_string(i.arn)
	a := account_of(i.arn)
} if not is_string(object.get(input.inventory, "accountId", null))

own_account_known if count(own_accounts) > 0

# --- resources --------------------------------------------------------------------------------

# The account field of a resource ARN when it is a 12-digit id (not `*`, not empty as in S3).
resource_account(arn) := parts[4] if {
	parts := split(arn, ":")
	count(parts) >= 6
	parts[0] == "arn"
	account_id(parts[4])
}
