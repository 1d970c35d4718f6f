package nhi.rules_test.lp_008

import data.nhi.rules.lp_008
import data.nhi.test.fixtures as fx

store(name, kind, class) := {
	"id": sprintf("%s:%s", [kind, name]),
	"kind": kind,
	"name": name,
	"tags": {},
	"dataClass": class,
	"change": "create",
	"origin": {"source": "plan"},
}

phi_bucket := store("records", "s3", "phi")

internal_bucket := store("exports", "s3", "internal")

governed(class) := object.union(fx.governed, {"dataClass": class})

reader(class, pol) := fx.role("reader", {"governance": governed(class), "policies": [{"policy": pol.id}]})

targeted(actions, entry, store_id) := object.union(fx.allow(actions, [entry]), {"resourceTargets": [{"resource": entry, "dataStore": store_id}]})

read_phi := fx.policy("read", [targeted(["s3:getobject"], "${aws_s3_bucket.records.arn}/*", phi_bucket.id)], {})

run(parts) := fs if {
	fs := lp_008.findings with input as fx.input_of("plan", object.union({"dataStores": [phi_bucket, internal_bucket]}, parts))
}

test_internal_identity_reading_the_phi_bucket_is_reported if {
	fs := run({"identities": [reader("internal", read_phi)], "policies": [read_phi]})
	fs == {{
		"resource": "policy:read", "identity": "role:reader", "stores": ["s3:records"],
		"message": "policy read lets role reader (data-class internal) act on data-class phi stores: s3 records",
	}}
}

test_identity_without_data_class_is_reported if {
	r := fx.role("reader", {"governance": object.remove(fx.governed, ["dataClass"]), "policies": [{"policy": read_phi.id}]})
	fs := run({"identities": [r], "policies": [read_phi]})
	[f.message | some f in fs] == ["policy read lets role reader (no data-class) act on data-class phi stores: s3 records"]
}

test_phi_identity_on_the_phi_bucket_is_compliant if {
	count(run({"identities": [reader("phi", read_phi)], "policies": [read_phi]})) == 0
}

test_internal_identity_on_an_internal_bucket_is_compliant if {
	p := fx.policy("read", [targeted(["s3:getobject"], "arn:aws:s3:::exports/*", internal_bucket.id)], {})
	count(run({"identities": [reader("internal", p)], "policies": [p]})) == 0
}

test_service_action_on_every_resource_reaches_the_phi_bucket if {
	p := fx.policy("any", [fx.allow(["s3:getobject"], ["*"])], {})
	fs := run({"identities": [reader("pii", p)], "policies": [p]})
	{f.identity | some f in fs} == {"role:reader"}
	some f in fs
	contains(f.message, "every s3, including 1 with data-class phi: ")
	f.storeKinds == ["s3"]
	not f.stores
}

test_other_service_on_every_resource_does_not if {
	p := fx.policy("logs", [fx.allow(["logs:putlogevents", "sts:getcalleridentity"], ["*"])], {})
	count(run({"identities": [reader("internal", p)], "policies": [p]})) == 0
}

test_action_of_another_service_on_the_bucket_arn_does_not if {
	p := fx.policy("odd", [targeted(["logs:putlogevents"], "arn:aws:s3:::records", phi_bucket.id)], {})
	count(run({"identities": [reader("internal", p)], "policies": [p]})) == 0
}

test_not_action_leaving_s3_open_reaches_the_bucket if {
	st := {"effect": "Allow", "notActions": ["iam:*"], "resources": ["*"], "conditions": []}
	p := fx.policy("broad", [st], {})
	count(run({"identities": [reader("internal", p)], "policies": [p]})) == 1
}

test_reaching_a_user_through_its_group_is_reported if {
	user := fx.role("etl", {"kind": "user", "id": "user:etl", "governance": governed("internal"), "groups": ["group:readers"]})
	group := {"id": "group:readers", "name": "readers", "policies": [{"policy": read_phi.id}], "origin": {"source": "plan"}}
	fs := run({"identities": [user], "groups": [group], "policies": [read_phi]})
	{f.identity | some f in fs} == {"user:etl"}
}

test_unconditioned_deny_on_the_same_entry_overrides if {
	guard := fx.policy("guard", [fx.deny(["s3:*"], ["${aws_s3_bucket.records.arn}/*"])], {})
	r := fx.role("reader", {"governance": governed("internal"), "policies": [{"policy": read_phi.id}, {"policy": guard.id}]})
	count(run({"identities": [r], "policies": [read_phi, guard]})) == 0
}

test_phi_store_being_deleted_is_not_judged if {
	gone := object.union(phi_bucket, {"change": "delete"})
	fs := lp_008.findings with input as fx.input_of("plan", {"dataStores": [gone], "identities": [reader("internal", read_phi)], "policies": [read_phi]})
	count(fs) == 0
}

test_identity_with_tags_unknown_until_apply_is_left_to_unk if {
	r := object.union(reader("internal", read_phi), {"tagsUnknown": true})
	count(run({"identities": [r], "policies": [read_phi]})) == 0
}

test_unattached_policy_is_not_judged if {
	count(run({"policies": [read_phi]})) == 0
}

test_not_resource_reaches_the_phi_stores_it_does_not_exclude if {
	p := fx.policy("most", [fx.allow_not_resource(["s3:GetObject"], ["arn:aws:s3:::exports/*"], [], [])], {})
	fs := lp_008.findings with input as fx.input_of("synth", {"identities": [reader("internal", p)], "policies": [p], "dataStores": [phi_bucket]})
	count(fs) == 1
}

test_not_resource_excluding_the_service_passes if {
	p := fx.policy("most", [fx.allow_not_resource(["s3:GetObject"], ["arn:aws:s3:::*"], [], ["s3:*"])], {})
	fs := lp_008.findings with input as fx.input_of("synth", {"identities": [reader("internal", p)], "policies": [p], "dataStores": [phi_bucket]})
	count(fs) == 0
}

# nhi-guard's own scanner reads the names and tags of every store (policy data phiMetadataActions).
scan_tags := fx.policy(
	"scan", [
		fx.allow(["s3:listallmybuckets", "dynamodb:listtables", "kms:listkeys"], ["*"]),
		targeted(["s3:getbuckettagging"], "arn:aws:s3:::*", phi_bucket.id),
	],
	{},
)

test_reading_only_names_and_tags_of_phi_stores_is_not_reported if {
	fs := run({"identities": [reader("internal", scan_tags)], "policies": [scan_tags]})
	count(fs) == 0
}

test_a_metadata_action_next_to_a_data_action_still_reports_the_data_action if {
	p := fx.policy("scan", [targeted(["s3:getbuckettagging", "s3:getobject"], "arn:aws:s3:::*", phi_bucket.id)], {})
	fs := run({"identities": [reader("internal", p)], "policies": [p]})
	[f.message | some f in fs] == ["policy scan lets role reader (data-class internal) act on data-class phi stores: s3 records"]
}

test_a_service_wildcard_is_not_a_metadata_action if {
	p := fx.policy("scan", [fx.allow(["s3:*"], ["*"])], {})
	fs := run({"identities": [reader("internal", p)], "policies": [p]})
	count(fs) == 1
}

create_bucket := {"action": "s3:CreateBucket", "accessLevel": "Write", "wildcardOnly": false, "resourceTypes": ["bucket"]}

get_object := {"action": "s3:GetObject", "accessLevel": "Read", "wildcardOnly": false, "resourceTypes": ["object"]}

test_not_resource_excluding_every_type_of_the_action_passes if {
	p := fx.policy("make", [fx.allow_not_resource(["s3:createbucket"], ["arn:aws:s3:::*"], [create_bucket], ["s3:bucket", "s3:object"])], {})
	count(run({"identities": [reader("internal", p)], "policies": [p]})) == 0
}

test_not_resource_excluding_other_types_of_the_service_still_reaches if {
	p := fx.policy("most", [fx.allow_not_resource(["s3:getobject"], ["arn:aws:s3:::*"], [get_object], ["s3:bucket"])], {})
	count(run({"identities": [reader("internal", p)], "policies": [p]})) == 1
}

# The finding carries the ids of the stores it names (reports link findings to stores by them,
# never by the message): a store whose name reads like a list of stores links only itself.
test_finding_carries_the_ids_of_the_stores_it_names if {
	tricky := store("records, s3 billing", "s3", "phi")
	billing := store("billing", "s3", "phi")
	p := fx.policy("read", [targeted(["s3:getobject"], "arn:aws:s3:::x/*", tricky.id)], {})
	fs := lp_008.findings with input as fx.input_of("plan", {"dataStores": [tricky, billing], "identities": [reader("internal", p)], "policies": [p]})
	[f.stores | some f in fs] == [["s3:records, s3 billing"]]
	[f.message | some f in fs] == ["policy read lets role reader (data-class internal) act on data-class phi stores: s3 records, s3 billing"]
}

test_named_stores_and_every_store_of_a_kind_both_linked if {
	table := store("patients", "dynamodb", "phi")
	p := fx.policy(
		"mixed", [
			targeted(["dynamodb:getitem"], "${aws_dynamodb_table.patients.arn}", table.id),
			fx.allow(["s3:getobject"], ["*"]),
		],
		{},
	)
	fs := lp_008.findings with input as fx.input_of("plan", {"dataStores": [phi_bucket, table], "identities": [reader("internal", p)], "policies": [p]})
	[[f.stores, f.storeKinds] | some f in fs] == [[["dynamodb:patients"], ["s3"]]]
}
