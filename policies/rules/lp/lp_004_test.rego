package nhi.rules_test.lp_004

import data.nhi.rules.lp_004
import data.nhi.test.fixtures as fx

aws_policy(name) := fx.policy(name, [], {
	"id": sprintf("arn:aws:iam::aws:policy/%s", [name]),
	"type": "aws-managed",
	"document": {"known": false, "reason": "AWS managed policy: judged by name"},
	"change": "existing",
})

test_administrator_access_on_role_is_reported if {
	p := aws_policy("AdministratorAccess")
	r := fx.role("deployer", {"policies": [{"policy": p.id}]})
	fs := lp_004.findings with input as fx.input_of("synth", {"identities": [r], "policies": [p]})
	fs == {{"resource": "role:deployer", "identity": "role:deployer", "evidence": [p.id], "message": "role deployer has the AWS managed policy AdministratorAccess attached"}}
}

test_power_user_through_group_is_reported if {
	p := aws_policy("PowerUserAccess")
	u := fx.role("ci", {"id": "user:ci", "kind": "user", "groups": ["group:ops"]})
	g := {"id": "group:ops", "name": "ops", "policies": [{"policy": p.id}]}
	fs := lp_004.findings with input as fx.input_of("state", {"identities": [u], "groups": [g], "policies": [p]})
	[f.message | some f in fs] == ["user ci has the AWS managed policy PowerUserAccess attached through group ops"]
}

test_read_only_aws_policy_passes if {
	p := aws_policy("ReadOnlyAccess")
	r := fx.role("auditor", {"policies": [{"policy": p.id}]})
	count(lp_004.findings) == 0 with input as fx.input_of("synth", {"identities": [r], "policies": [p]})
}

test_customer_policy_named_like_aws_one_passes if {
	p := fx.policy("IAMFullAccess", [fx.allow(["iam:Get*"], ["*"])], {"type": "managed"})
	r := fx.role("app", {"policies": [{"policy": p.id}]})
	count(lp_004.findings) == 0 with input as fx.input_of("synth", {"identities": [r], "policies": [p]})
}

test_unattached_aws_policy_passes if {
	count(lp_004.findings) == 0 with input as fx.input_of("synth", {"policies": [aws_policy("IAMFullAccess")]})
}
