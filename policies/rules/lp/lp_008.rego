# METADATA
# title: PHI data boundary
# description: |
#   An identity whose data-class is not phi (or has none) is allowed to act on a data store
#   declared with data-class phi in the same input (S3 bucket, DynamoDB table, RDS instance or
#   cluster, HealthLake datastore, KMS key): a Resource entry points at the store (by terraform
#   reference or by ARN, the enrichment fact resourceTargets) with an action of the store's
#   service, or Resource "*" with an action of that service (s3:GetObject on "*" reaches every
#   phi bucket), or NotResource that does not exclude the service's every resource type. Policies reach identities directly or through groups; an unconditioned Deny on
#   the same action and resource entry overrides. Identities whose tags are unknown until apply
#   are left to NHI-UNK-001; a policy attached to nobody is not judged. Actions that read only
#   the names, tags and settings of stores, never their content (policy data
#   phiMetadataActions: the ones nhi-guard's own scanner needs, such as s3:GetBucketTagging),
#   do not count.
# custom:
#   id: NHI-LP-008
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Give the access to an identity declared data-class phi (and governed as such: owner,
#     expiry, rotation every 30 days), or point the grant at a store that holds no PHI. In
#     stacks/, PhiDataStore.grantBucket() and grantTable() refuse non-phi identities.
#   references:
#     owasp: [NHI5, NHI8]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_008

import data.nhi.lib
import data.nhi.lib.iam

# IAM service prefixes that act on each kind of data store.
service_prefixes := {
	"s3": {"s3"},
	"dynamodb": {"dynamodb"},
	"rds": {"rds", "rds-data"},
	"healthlake": {"healthlake"},
	"kms": {"kms"},
}

phi_stores := [d |
	some d in input.inventory.dataStores
	d.change != "delete"
	d.dataClass == "phi"
]

phi_stores_by_id := {d.id: d | some d in phi_stores}

store_by_id(id) := phi_stores_by_id[id]

action_service(action) := "*" if iam.full_wildcard(action)

action_service(action) := split(action, ":")[0] if not iam.full_wildcard(action)

# Actions of stmt (as written, lower-case) that belong to a service of the store kind; for
# NotAction, "<service>:*" when the NotAction list does not exclude the whole service.
store_actions(stmt, kind) := written_actions(stmt, kind) | not_action_services(stmt, kind)

written_actions(stmt, kind) := {a |
	some a in object.get(stmt, "actions", [])
	not a in metadata_actions
	some prefix in service_prefixes[kind]
	iam.matches(action_service(a), prefix)
}

# Actions that read only names, tags and settings of stores (policy data, lower-cased as the
# actions of statements are).
metadata_actions := {lower(a) | some a in object.get(lib.config, "phiMetadataActions", [])}

not_action_services(stmt, kind) := {a |
	nots := object.get(stmt, "notActions", null)
	is_array(nots)
	some prefix in service_prefixes[kind]
	a := concat("", [prefix, ":*"])
	not iam.any_matches(nots, a)
}

# A Deny that names the same resource entry as written (covers reference placeholders too).
same_entry_denied(policy, holder, action, resource) if {
	some s in iam.plain_denies(iam.scope(policy, holder))
	resource in object.get(s, "resources", [])
	iam.covers_action(s, action)
}

phi_kinds := {d.kind | some d in phi_stores}

# Per kind of store, the phi stores' names, sorted (built once: a "*" grant reaches all of them).
phi_names[kind] := names if {
	some kind in phi_kinds
	names := sort([lib.label(d) | some d in phi_stores; d.kind == kind])
}

shown := 3

# The phi stores of a kind, for a message: the first few names and how many more.
every_label(kind) := sprintf("every %s, including %d with data-class phi: %s%s", [kind, count(names), concat(", ", array.slice(names, 0, shown)), lib.and_more(count(names), shown)]) if {
	names := phi_names[kind]
}

# [label, action, resource entry, ref] reached by one Allow statement: named phi stores, and for
# Resource "*" each kind of store with phi (one entry per kind, not per store, so that a
# wildcard grant costs the same whatever the number of stores). NotResource reaches every store
# unless it excludes the service or every resource type the action accepts (s3:CreateBucket with
# NotResource "arn:aws:s3:::*" acts on no bucket). ref says which stores, for reports that link
# findings to stores: ["store", data store id] or ["kind", kind] (every phi store of the kind).
hits(stmt) := {[label, action, t.resource, ["store", store.id]] |
	some t in object.get(stmt, "resourceTargets", [])
	store := store_by_id(t.dataStore)
	some action in store_actions(stmt, store.kind)
	label := sprintf("%s %s", [store.kind, lib.label(store)])
} | {[label, action, "*", ["kind", kind]] |
	some kind in phi_kinds
	some action in store_actions(stmt, kind)
	iam.reaches_every(stmt, action)
	label := every_labels[kind]
}

# Made once per kind (sprintf is a call out of the WASM module), not once per statement and action.
every_labels[kind] := every_label(kind) if some kind in phi_kinds

not_phi(identity) if not identity.governance.dataClass

not_phi(identity) if identity.governance.dataClass != "phi"

class_of(identity) := sprintf("data-class %s", [identity.governance.dataClass]) if identity.governance.dataClass

class_of(identity) := "no data-class" if not identity.governance.dataClass

# Stores reached by each (policy, holder) that is not phi: ["kind name" label, ref].
reaches[[policy.id, holder]] contains [label, ref] if {
	some grant in iam.allows
	policy := grant.policy
	some hit in hits(grant.stmt)
	[label, action, resource, ref] := hit
	some holder in iam.undenied_holders(policy, action, resource)
	holder != null
	identity := iam.identity_by_id(holder)
	not object.get(identity, "tagsUnknown", false)
	not_phi(identity)
	not same_entry_denied(policy, holder, action, resource)
}

# The finding names the stores in its message and, for reports, in two fields: stores (the ids of
# the phi stores named) and storeKinds (kinds whose every phi store is reached).
findings contains object.union(lib.finding(policy_id, holder, msg), linked(entries)) if {
	some key, entries in reaches
	[policy_id, holder] := key
	identity := iam.identity_by_id(holder)
	policy := iam.policies_by_id[policy_id]
	labels := {label | some [label, _] in entries}
	msg := sprintf(
		"policy %s lets %s %s (%s) act on data-class phi stores: %s",
		[lib.label(policy), identity.kind, lib.label(identity), class_of(identity), concat(", ", sort(labels))],
	)
}

linked(entries) := {k: v |
	some [k, what] in [["stores", "store"], ["storeKinds", "kind"]]
	v := sort({ref[1] | some [_, ref] in entries; ref[0] == what})
	count(v) > 0
}
