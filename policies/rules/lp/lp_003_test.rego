package nhi.rules_test.lp_003

import data.nhi.rules.lp_003
import data.nhi.test.fixtures as fx

expanded(actions, expansion) := object.union(fx.allow(actions, ["*"]), {"expandedActions": expansion})

put_object := {"action": "s3:PutObject", "accessLevel": "Write", "wildcardOnly": false}

delete_object := {"action": "s3:DeleteObject", "accessLevel": "Write", "wildcardOnly": false}

get_object := {"action": "s3:GetObject", "accessLevel": "Read", "wildcardOnly": false}

create_bucket := {"action": "s3:CreateBucket", "accessLevel": "Write", "wildcardOnly": false}

list_buckets := {"action": "s3:ListAllMyBuckets", "accessLevel": "List", "wildcardOnly": true}

put_metric := {"action": "cloudwatch:PutMetricData", "accessLevel": "Write", "wildcardOnly": true}

run(policies, identities) := fs if {
	fs := lp_003.findings with input as fx.input_of("synth", {"identities": identities, "policies": policies})
}

test_expanded_write_actions_on_star_are_reported if {
	p := fx.policy("writer", [expanded(["s3:put*", "s3:deleteobject"], [put_object, delete_object, get_object])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	run([p], [app]) == {{"resource": "policy:writer", "identity": "role:app", "message": "policy writer allows 2 write or permissions-management action(s) on Resource \"*\": s3:DeleteObject, s3:PutObject"}}
}

test_long_lists_are_cut if {
	acts := [{"action": sprintf("s3:Put%d", [n]), "accessLevel": "Write", "wildcardOnly": false} | some n in numbers.range(1, 7)]
	p := fx.policy("many", [expanded(["s3:put*"], acts)], {})
	[f.message | some f in run([p], [])] == ["policy many allows 7 write or permissions-management action(s) on Resource \"*\": s3:Put1, s3:Put2, s3:Put3, s3:Put4, s3:Put5 and 2 more"]
}

test_wildcard_only_and_read_actions_pass if {
	p := fx.policy("metrics", [expanded(["cloudwatch:putmetricdata", "s3:listallmybuckets", "s3:getobject"], [put_metric, list_buckets, get_object])], {})
	count(run([p], [])) == 0
}

test_write_on_scoped_resource_passes if {
	stmt := object.union(fx.allow(["s3:putobject"], ["arn:aws:s3:::claims/*"]), {"expandedActions": [put_object]})
	p := fx.policy("scoped", [stmt], {})
	count(run([p], [])) == 0
}

test_denied_actions_are_dropped if {
	p := fx.policy("writer", [expanded(["s3:put*", "s3:createbucket"], [put_object, create_bucket]), fx.deny(["s3:Put*"], ["*"])], {})
	[f.message | some f in run([p], [])] == ["policy writer allows 1 write or permissions-management action(s) on Resource \"*\": s3:CreateBucket"]
}

attach_role_policy := {"action": "iam:AttachRolePolicy", "accessLevel": "Permissions management, Write", "wildcardOnly": false, "resourceTypes": ["role"]}

tag_role := {"action": "iam:TagRole", "accessLevel": "Tagging, Write", "wildcardOnly": false, "resourceTypes": ["role"]}

test_permissions_management_as_the_catalog_spells_it_counts_and_tagging_does_not if {
	p := fx.policy("perm", [expanded(["iam:attachrolepolicy", "iam:tagrole"], [attach_role_policy, tag_role])], {})
	[f.message | some f in run([p], [])] == ["policy perm allows 1 write or permissions-management action(s) on Resource \"*\": iam:AttachRolePolicy"]
}

# The write actions NotAction leaves in a service it excludes in part are this rule's; the services
# it leaves whole on every resource are NHI-LP-002's finding, which names this rule.
test_not_action_counts_the_write_actions_it_leaves_in_part if {
	grants := [fx.whole("s3"), {"service": "iam", "all": false, "actions": [attach_role_policy, tag_role]}]
	p := fx.policy("most", [fx.allow_not(["iam:Tag*", "kms:*"], ["*"], grants)], {})
	[f.message | some f in run([p], [])] == ["policy most allows 1 write or permissions-management action(s) on Resource \"*\": iam:AttachRolePolicy"]
}

# NotAction [iam:*, organizations:*] on "*": every other service whole, one finding (NHI-LP-002's).
test_not_action_leaving_services_whole_is_left_to_lp_002 if {
	p := fx.policy("most", [fx.allow_not(["iam:*", "organizations:*"], ["*"], [fx.whole("s3"), fx.whole("ec2")])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	count(run([p], [app])) == 0
	lp002 := [f.message | some f in data.nhi.rules.lp_002.findings with input as fx.input_of("synth", {"identities": [app], "policies": [p]})]
	lp002 == ["policy most allows every action of 2 service(s) through NotAction [iam:*, organizations:*] on Resource \"*\": ec2, s3 (their write and permissions-management actions, NHI-LP-003, are part of this finding)"]
}

test_not_action_on_a_scoped_resource_passes if {
	p := fx.policy("most", [fx.allow_not(["iam:*"], ["arn:aws:s3:::claims/*"], [fx.whole("s3")])], {})
	count(run([p], [])) == 0
}

test_not_resource_reaches_every_other_resource if {
	put := object.union(put_object, {"resourceTypes": ["object"]})
	p := fx.policy("most", [fx.allow_not_resource(["s3:PutObject"], ["arn:aws:s3:::phi/*"], [put], [])], {})
	[f.message | some f in run([p], [])] == ["policy most allows 1 write or permissions-management action(s) on Resource \"*\": s3:PutObject"]
}

test_not_resource_excluding_the_action_resource_types_passes if {
	put := object.union(put_object, {"resourceTypes": ["object"]})
	p := fx.policy("none", [fx.allow_not_resource(["s3:PutObject"], ["arn:aws:s3:::*"], [put], ["s3:bucket", "s3:object"])], {})
	count(run([p], [])) == 0
}

# s3:* on "*" is one finding, NHI-LP-002's (which names this rule); other write actions of the policy stay here.
test_service_wide_wildcard_is_left_to_lp_002 if {
	p := fx.policy("wide", [expanded(["s3:*"], [put_object, get_object])], {})
	count(run([p], [])) == 0
	both := fx.policy("both", [expanded(["s3:*", "cloudwatch:put*"], [put_object, {"action": "cloudwatch:PutDashboard", "accessLevel": "Write", "wildcardOnly": false}])], {})
	[f.message | some f in run([both], [])] == ["policy both allows 1 write or permissions-management action(s) on Resource \"*\": cloudwatch:PutDashboard"]
	msg := [f.message | some f in data.nhi.rules.lp_002.findings with input as fx.input_of("synth", {"policies": [p]})]
	msg == ["policy wide allows every s3 action (Action \"s3:*\") on Resource \"*\" (its write and permissions-management actions, NHI-LP-003, are part of this finding)"]
}

# Write levels, alone or in the catalog's combined levels ("Tagging, Write" is tagging, not counted).
test_write_levels if {
	lp_003.write_level("Write")
	lp_003.write_level("Permissions management")
	lp_003.write_level("Permissions management, Write")
	lp_003.write_level("Read, Permissions management")
	not lp_003.write_level("Tagging, Write")
	not lp_003.write_level("Read")
	not lp_003.write_level("Permissions management extra")
	not lp_003.write_level("Permissions management,Write")
}

# Holders of one policy are judged each with the Deny statements that reach them: the candidates
# are shared, the Deny is not.
test_each_holder_keeps_what_no_deny_of_its_own_takes if {
	p := fx.policy("writer", [expanded(["s3:put*", "s3:createbucket"], [put_object, create_bucket])], {})
	guard := fx.policy("guard", [fx.deny(["s3:PutObject"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	guarded := fx.role("guarded", {"policies": [{"policy": p.id}, {"policy": guard.id}]})
	{[f.identity, f.message] | some f in run([p, guard], [app, guarded])} == {
		["role:app", "policy writer allows 2 write or permissions-management action(s) on Resource \"*\": s3:CreateBucket, s3:PutObject"],
		["role:guarded", "policy writer allows 1 write or permissions-management action(s) on Resource \"*\": s3:CreateBucket"],
	}
}

# The pack's compact input (checks/engine/compactInput.ts) names a shared grants entry instead of
# repeating it per statement: the same findings, and a holder's Deny still applies.
test_not_action_grants_by_reference_count_as_inline_grants if {
	grants := [fx.whole("s3"), fx.whole("ec2"), {"service": "iam", "all": false, "actions": [attach_role_policy, tag_role]}]
	inline := fx.allow_not(["iam:Tag*", "kms:*"], ["*"], grants)
	by_ref := object.union(object.remove(inline, ["notActionGrants"]), {"notActionGrantsRef": "0"})
	guard := fx.policy("guard", [fx.deny(["iam:Attach*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": "policy:most"}]})
	guarded := fx.role("guarded", {"policies": [{"policy": "policy:most"}, {"policy": guard.id}]})
	want := {["role:app", "policy most allows 1 write or permissions-management action(s) on Resource \"*\": iam:AttachRolePolicy"]}
	{[f.identity, f.message] | some f in run([fx.policy("most", [inline], {}), guard], [app, guarded])} == want
	compact := object.union(fx.input_of("synth", {"identities": [app, guarded], "policies": [fx.policy("most", [by_ref], {}), guard]}), {"grants": {"0": grants}})
	{[f.identity, f.message] | some f in lp_003.findings with input as compact} == want
}
