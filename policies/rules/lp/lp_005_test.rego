package nhi.rules_test.lp_005

import data.nhi.rules.lp_005
import data.nhi.test.fixtures as fx

passed_to := {"operator": "StringEquals", "key": "iam:passedtoservice", "values": ["lambda.amazonaws.com"]}

run(policies) := fs if {
	fs := lp_005.findings with input as fx.input_of("synth", {"policies": policies})
}

test_passrole_on_star_is_reported if {
	p := fx.policy("deploy", [fx.allow(["iam:PassRole"], ["*"])], {})
	[f.message | some f in run([p])] == ["policy deploy allows iam:PassRole on Resource \"*\""]
}

test_passrole_through_wildcard_on_every_role_of_an_account if {
	p := fx.policy("deploy", [fx.allow(["iam:Pass*"], ["arn:aws:iam::111122223333:role/*"])], {})
	[f.message | some f in run([p])] == ["policy deploy allows iam:PassRole (through Action \"iam:Pass*\") on Resource \"arn:aws:iam::111122223333:role/*\""]
}

test_passed_to_service_condition_does_not_clear_star if {
	p := fx.policy("deploy", [object.union(fx.allow(["iam:passrole"], ["*"]), {"conditions": [passed_to]})], {})
	[f.message | some f in run([p])] == ["policy deploy allows iam:PassRole on Resource \"*\" (under condition iam:passedtoservice)"]
}

test_passrole_through_not_action if {
	p := fx.policy("broad", [{"effect": "Allow", "notActions": ["s3:*"], "resources": ["*"], "conditions": []}], {})
	[f.message | some f in run([p])] == ["policy broad allows iam:PassRole (through NotAction) on Resource \"*\""]
}

test_passrole_on_named_roles_passes if {
	p := fx.policy("deploy", [object.union(fx.allow(["iam:PassRole"], ["arn:aws:iam::111122223333:role/lab-results-fn", "arn:aws:iam::111122223333:role/app-*"]), {"conditions": [passed_to]})], {})
	count(run([p])) == 0
}

test_other_iam_actions_pass if {
	p := fx.policy("reader", [fx.allow(["iam:Get*", "iam:List*"], ["*"])], {})
	count(run([p])) == 0
}

test_deny_of_passrole_overrides if {
	p := fx.policy("deploy", [fx.allow(["iam:*"], ["*"]), fx.deny(["iam:PassRole"], ["*"])], {})
	count(run([p])) == 0
}

test_passrole_with_not_resource_reaches_every_other_role if {
	p := fx.policy("deploy", [fx.allow_not_resource(["iam:PassRole"], ["arn:aws:iam::111122223333:role/admin"], [], [])], {})
	[f.message | some f in run([p])] == ["policy deploy allows iam:PassRole on every role but NotResource [arn:aws:iam::111122223333:role/admin]"]
}

test_passrole_with_not_resource_excluding_every_role_passes if {
	p := fx.policy("deploy", [fx.allow_not_resource(["iam:PassRole"], ["arn:aws:iam::*:role/*"], [], ["iam:role"])], {})
	count(run([p])) == 0
}
