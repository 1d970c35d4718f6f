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
