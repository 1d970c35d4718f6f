package nhi.rules_test.lp_009

import data.nhi.rules.lp_009
import data.nhi.test.fixtures as fx

read(action, types) := {"action": action, "accessLevel": "Read", "wildcardOnly": false, "resourceTypes": types}

get_object := read("s3:GetObject", ["accesspointobject", "object"])

get_object_acl := read("s3:GetObjectAcl", ["object"])

get_secret := read("secretsmanager:GetSecretValue", ["secret"])

describe_secret := read("secretsmanager:DescribeSecret", ["secret"])

describe_key := read("kms:DescribeKey", ["key"])

get_bucket_policy := read("s3:GetBucketPolicy", ["bucket"])

decrypt := {"action": "kms:Decrypt", "accessLevel": "Write", "wildcardOnly": false, "resourceTypes": ["key"]}

expanded(actions, resources, expansion) := object.union(fx.allow(actions, resources), {"expandedActions": expansion})

run(policies, identities) := fs if {
	fs := lp_009.findings with input as fx.input_of("plan", {"identities": identities, "policies": policies})
}

test_object_and_secret_reads_on_every_resource_are_reported if {
	p := fx.policy("reader", [expanded(["s3:Get*", "secretsmanager:GetSecretValue"], ["*"], [get_object, get_object_acl, get_bucket_policy, get_secret])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	run([p], [app]) == {{"resource": "policy:reader", "identity": "role:app", "message": "policy reader allows reading data on every resource: s3:GetObject, secretsmanager:GetSecretValue"}}
}

test_decrypt_counts_though_the_catalog_files_it_under_write if {
	p := fx.policy("dec", [expanded(["kms:Decrypt"], ["*"], [decrypt])], {})
	[f.message | some f in run([p], [])] == ["policy dec allows reading data on every resource: kms:Decrypt"]
}

test_metadata_reads_on_every_resource_pass if {
	p := fx.policy("meta", [expanded(["kms:DescribeKey", "secretsmanager:DescribeSecret", "s3:GetBucketPolicy"], ["*"], [describe_key, describe_secret, get_bucket_policy])], {})
	count(run([p], [])) == 0
}

test_scoped_reads_pass if {
	p := fx.policy("one", [expanded(["s3:GetObject"], ["arn:aws:s3:::exports/*"], [get_object])], {})
	count(run([p], [])) == 0
}

test_not_action_granting_a_data_service_whole_is_reported if {
	p := fx.policy("most", [fx.allow_not(["iam:*"], ["*"], [fx.whole("s3"), fx.whole("sqs")])], {})
	[f.message | some f in run([p], [])] == ["policy most allows reading data on every resource: every read of s3 (through NotAction)"]
}

# The pack's compact input (checks/engine/compactInput.ts) names a shared grants entry instead of
# repeating it per statement: the same findings, with each holder's own Deny.
test_not_action_grants_by_reference_count_as_inline_grants if {
	grants := [fx.whole("s3"), fx.whole("secretsmanager"), fx.whole("sqs")]
	inline := fx.allow_not(["iam:*"], ["*"], grants)
	by_ref := object.union(object.remove(inline, ["notActionGrants"]), {"notActionGrantsRef": "0"})
	guard := fx.policy("guard", [fx.deny(["s3:*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": "policy:most"}]})
	guarded := fx.role("guarded", {"policies": [{"policy": "policy:most"}, {"policy": guard.id}]})
	want := {
		["role:app", "policy most allows reading data on every resource: every read of s3 (through NotAction), every read of secretsmanager (through NotAction)"],
		["role:guarded", "policy most allows reading data on every resource: every read of secretsmanager (through NotAction)"],
	}
	{[f.identity, f.message] | some f in run([fx.policy("most", [inline], {}), guard], [app, guarded])} == want
	compact := object.union(fx.input_of("plan", {"identities": [app, guarded], "policies": [fx.policy("most", [by_ref], {}), guard]}), {"grants": {"0": grants}})
	{[f.identity, f.message] | some f in lp_009.findings with input as compact} == want
}

test_not_resource_reaches_every_other_object if {
	p := fx.policy("most", [fx.allow_not_resource(["s3:GetObject"], ["arn:aws:s3:::phi/*"], [get_object], [])], {})
	count(run([p], [])) == 1
}

test_not_resource_excluding_every_object_type_passes if {
	p := fx.policy("none", [fx.allow_not_resource(["s3:GetObject"], ["arn:aws:s3:::*", "arn:aws:s3:*:*:*"], [get_object], ["s3:accesspointobject", "s3:object"])], {})
	count(run([p], [])) == 0
}

test_unconditioned_deny_removes_the_action if {
	p := fx.policy("reader", [expanded(["s3:GetObject"], ["*"], [get_object]), fx.deny(["s3:*"], ["*"])], {})
	count(run([p], [])) == 0
}

test_condition_is_shown_but_does_not_clear if {
	stmt := object.union(expanded(["secretsmanager:GetSecretValue"], ["*"], [get_secret]), {"conditions": [{"operator": "StringEquals", "key": "aws:resourcetag/team", "values": ["lab"]}]})
	p := fx.policy("tagged", [stmt], {})
	[f.message | some f in run([p], [])] == ["policy tagged allows reading data on every resource: secretsmanager:GetSecretValue (under condition aws:resourcetag/team)"]
}

test_full_admin_is_left_to_lp_001 if {
	p := fx.policy("admin", [fx.allow(["*"], ["*"])], {})
	count(run([p], [])) == 0
}

# The data-bearing types and the Write-filed data actions are policy data: a --data file adds a
# service (its Read actions on those types become data reads) or empties one (no longer judged).
es_get := read("es:ESHttpGet", ["domain"])

test_policy_data_adds_a_data_bearing_service if {
	p := fx.policy("search", [expanded(["es:ESHttpGet"], ["*"], [es_get])], {})
	count(run([p], [])) == 0
	fs := lp_009.findings with input as fx.input_of("plan", {"policies": [p]})
		with data.nhi.config.dataReadTypes as object.union(data.nhi.config.dataReadTypes, {"es": ["domain"]})
	[f.message | some f in fs] == ["policy search allows reading data on every resource: es:ESHttpGet"]
}

test_policy_data_can_stop_judging_a_service_and_its_write_filed_actions if {
	p := fx.policy("reader", [expanded(["s3:GetObject", "kms:Decrypt"], ["*"], [get_object, decrypt])], {})
	count(run([p], [])) == 1
	fs := lp_009.findings with input as fx.input_of("plan", {"policies": [p]})
		with data.nhi.config.dataReadTypes.s3 as []
		with data.nhi.config.dataReadActions as []
	count(fs) == 0
}
