package nhi.rules_test.lp_010

import data.nhi.rules.lp_010
import data.nhi.test.fixtures as fx

governed(class) := object.union(fx.governed, {"dataClass": class})

analytics := fx.role("analytics", {"governance": governed("internal")})

reader := fx.role("derm-reader", {"governance": governed("phi")})

images := {"id": "s3:derm-images", "kind": "s3", "name": "derm-images", "dataClass": "phi", "reachCount": 2, "reachedByAnyone": false, "shown": [0, 1], "reachedByUsed": []}

exports := {"id": "s3:exports", "kind": "s3", "name": "exports", "dataClass": "pii", "reachCount": 2, "reachedByAnyone": false, "shown": [0, 1], "reachedByUsed": []}

assume := {"kind": "assume", "from": "role:analytics", "to": "role:derm-reader", "policy": "policy:assume", "statement": 0, "resourceStatement": 0}

grant(store) := {"kind": "grant", "from": "role:derm-reader", "to": store, "policy": "policy:read", "statement": 0, "actions": ["s3:getobject"]}

chained(store) := {
	"principal": "role:analytics", "store": store, "level": "read", "levels": ["read"], "via": "role-chain",
	"chain": ["role:derm-reader"], "path": [assume, grant(store)],
}

facts(stores, principals, indirect) := {"stores": stores, "principalIds": ["role:analytics", "role:derm-reader"], "principals": principals, "indirect": indirect}

run(source, identities, access) := fs if {
	fs := lp_010.findings with input as fx.input_of(source, {"identities": identities, "access": access})
}

test_internal_role_reaching_phi_through_a_chain_is_reported if {
	fs := run("plan", [analytics, reader], facts([images], [], [chained(images.id)]))
	fs == {{
		"resource": "role:analytics", "identity": "role:analytics",
		"message": "role analytics (data-class internal) reaches data-class phi store s3 derm-images (read) through the role chain role analytics -> role derm-reader",
	}}
}

test_phi_role_reaching_through_a_chain_is_compliant if {
	phi := fx.role("analytics", {"governance": governed("phi")})
	count(run("plan", [phi, reader], facts([images], [], [chained(images.id)]))) == 0
}

test_chain_to_a_pii_store_is_not_this_rule if {
	count(run("plan", [analytics, reader], facts([exports], [], [chained(exports.id)]))) == 0
}

test_identity_with_unknown_tags_is_left_to_unk_001 if {
	unknown := fx.role("analytics", {"governance": governed("internal"), "tagsUnknown": true})
	count(run("plan", [unknown, reader], facts([images], [], [chained(images.id)]))) == 0
}

foreign := "arn:aws:iam::444455556666:role/analytics"

bucket_grant := {
	"principal": foreign, "store": images.id, "level": "read", "levels": ["read"], "via": "resource-policy", "chain": [],
	"path": [{"kind": "resource-grant", "from": foreign, "to": images.id, "resourceStatement": 1, "actions": ["s3:getobject"]}],
}

test_bucket_policy_granting_a_foreign_role_is_reported_on_the_store if {
	p := {"id": foreign, "kind": "external", "account": "444455556666", "ownAccount": false}
	fs := run("state", [], facts([images], [p], [bucket_grant]))
	fs == {{
		"resource": images.id, "identity": null,
		"message": "arn:aws:iam::444455556666:role/analytics (outside this input) (another account) reaches data-class phi store s3 derm-images (read) through the resource policy of s3 derm-images (statement 1)",
	}}
}

test_own_account_principal_outside_the_input_is_left_to_its_input if {
	own := "arn:aws:iam::111122223333:role/oncall"
	p := {"id": own, "kind": "external", "account": "111122223333", "ownAccount": true}
	r := object.union(bucket_grant, {"principal": own})
	count(run("state", [], facts([images], [p], [r]))) == 0
}

test_dormant_live_identity_is_named if {
	dormant := fx.role("analytics", {"governance": governed("internal"), "usage": {"lastUsed": "2026-05-01T00:00:00Z", "daysSinceUsed": 205}})
	fs := run("live", [dormant, reader], facts([images], [], [chained(images.id)]))
	some f in fs
	contains(f.message, "role analytics (data-class internal) (dormant: last used 205 days ago) reaches")
}

test_drift_judges_the_live_side if {
	fs := lp_010.findings with input as {"source": "drift", "now": "2026-11-22T00:00:00Z", "declared": fx.inventory({}), "live": fx.inventory({"identities": [analytics, reader], "access": facts([images], [], [chained(images.id)])})}
	{f.resource | some f in fs} == {"role:analytics"}
}

foreign_account := "arn:aws:iam::999988887777:root"

# A foreign account admitted by the trust of an own role reaches PHI through it: the finding is
# about that role (its owner answers for the trust), not about the store.
test_outsider_through_an_own_role_is_reported_on_the_role if {
	p := {"id": foreign_account, "kind": "account", "account": "999988887777", "ownAccount": false}
	r := {
		"principal": foreign_account, "store": images.id, "level": "read", "levels": ["read"], "via": "role-chain",
		"chain": ["role:derm-reader"], "path": [object.union(assume, {"from": foreign_account}), grant(images.id)],
	}
	fs := run("live", [reader], facts([images], [p], [r]))
	fs == {{
		"resource": "role:derm-reader", "identity": "role:derm-reader",
		"message": "every principal of account 999988887777 (another account) reaches data-class phi store s3 derm-images (read) through the role chain every principal of account 999988887777 -> role derm-reader",
	}}
}

# The look-alike: the chain's roles are all outside the input, so only the store is left.
test_outsider_through_outside_roles_is_reported_on_the_store if {
	p := {"id": foreign_account, "kind": "account", "account": "999988887777", "ownAccount": false}
	r := {
		"principal": foreign_account, "store": images.id, "level": "read", "levels": ["read"], "via": "role-chain",
		"chain": ["arn:aws:iam::999988887777:role/hop"], "path": [],
	}
	fs := run("live", [reader], facts([images], [p], [r]))
	{[f.resource, f.identity] | some f in fs} == {[images.id, null]}
}

# A Principal entry no input resolves (a data source's ARN, a role declared elsewhere, an ARN known
# only after apply): its own policies and data class are not known, so a reach to PHI is reported.
unresolved_ref := "unresolved:${data.aws_iam_role.vendor.arn}"

unresolved_grant := object.union(bucket_grant, {
	"principal": unresolved_ref,
	"path": [{"kind": "resource-grant", "from": unresolved_ref, "to": images.id, "resourceStatement": 1, "actions": ["s3:getobject"]}],
})

test_bucket_policy_granting_an_unresolved_principal_is_reported_on_the_store if {
	p := {"id": unresolved_ref, "kind": "unresolved", "ownAccount": false}
	fs := run("plan", [], facts([images], [p], [unresolved_grant]))
	fs == {{
		"resource": images.id, "identity": null,
		"message": "principal ${data.aws_iam_role.vendor.arn} (not resolved in this input) (no data-class known) reaches data-class phi store s3 derm-images (read) through the resource policy of s3 derm-images (statement 1)",
	}}
}

# The look-alike: the same grant on a pii store is NHI-LP-011's concern, not this rule's.
test_unresolved_principal_on_a_pii_store_is_not_this_rule if {
	p := {"id": unresolved_ref, "kind": "unresolved", "ownAccount": false}
	r := object.union(unresolved_grant, {"store": exports.id})
	count(run("plan", [], facts([exports], [p], [r]))) == 0
}

# Admitted by the trust of an own role, an unresolved principal is reported on the role.
test_unresolved_principal_through_an_own_role_is_reported_on_the_role if {
	p := {"id": unresolved_ref, "kind": "unresolved", "ownAccount": false}
	r := {
		"principal": unresolved_ref, "store": images.id, "level": "read", "levels": ["read"], "via": "role-chain",
		"chain": ["role:derm-reader"], "path": [object.union(assume, {"from": unresolved_ref}), grant(images.id)],
	}
	fs := run("synth", [reader], facts([images], [p], [r]))
	[[f.resource, f.message] | some f in fs] == [[
		"role:derm-reader",
		"principal ${data.aws_iam_role.vendor.arn} (not resolved in this input) (no data-class known) reaches data-class phi store s3 derm-images (read) through the role chain principal ${data.aws_iam_role.vendor.arn} (not resolved in this input) -> role derm-reader",
	]]
}
