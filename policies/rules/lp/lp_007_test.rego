package nhi.rules_test.lp_007

import data.nhi.rules.lp_007
import data.nhi.test.fixtures as fx

run(policies) := fs if {
	fs := lp_007.findings with input as fx.input_of("synth", {"policies": policies})
}

test_allow_not_action_is_reported if {
	p := fx.policy("broad", [{"effect": "Allow", "notActions": ["iam:*", "organizations:*"], "resources": ["*"], "conditions": []}], {})
	[f.message | some f in run([p])] == ["policy broad has an Allow statement with NotAction [iam:*, organizations:*]: everything else is allowed"]
}

test_allow_not_resource_is_reported if {
	p := fx.policy("most", [{"effect": "Allow", "actions": ["s3:getobject"], "notResources": ["arn:aws:s3:::phi/*"], "conditions": []}], {})
	[f.message | some f in run([p])] == ["policy most has an Allow statement with NotResource [arn:aws:s3:::phi/*]: everything else is allowed"]
}

test_deny_with_not_action_is_a_guard if {
	p := fx.policy("guard", [fx.allow(["s3:getobject"], ["arn:aws:s3:::claims/*"]), {"effect": "Deny", "notActions": ["s3:getobject"], "resources": ["*"], "conditions": []}], {})
	count(run([p])) == 0
}
