package nhi.rules_test.lp_006

import data.nhi.rules.lp_006
import data.nhi.test.fixtures as fx

run(policies) := fs if {
	fs := lp_006.findings with input as fx.input_of("synth", {"policies": policies})
}

test_put_wildcard_grants_put_policies if {
	p := fx.policy("ops", [fx.allow(["iam:put*"], ["*"])], {})
	[f.message | some f in run([p])] == ["policy ops allows privilege escalation on Resource \"*\": iam:PutGroupPolicy, iam:PutRolePolicy, iam:PutUserPolicy"]
}

test_exact_action_in_other_case_with_sid if {
	p := fx.policy("keys", [object.union(fx.allow(["IAM:CREATEACCESSKEY"], ["*"]), {"sid": "Rotate"})], {})
	[f.message | some f in run([p])] == ["policy keys (statement Rotate) allows privilege escalation on Resource \"*\": iam:CreateAccessKey"]
}

test_iam_star_lists_all_thirteen if {
	p := fx.policy("iamall", [fx.allow(["iam:*"], ["*"])], {})
	[f | some f in run([p])][0].message == "policy iamall allows privilege escalation on Resource \"*\": iam:AddUserToGroup, iam:AttachGroupPolicy, iam:AttachRolePolicy, iam:AttachUserPolicy, iam:CreateAccessKey, iam:CreateLoginProfile, iam:CreatePolicyVersion, iam:PutGroupPolicy, iam:PutRolePolicy, iam:PutUserPolicy, iam:SetDefaultPolicyVersion, iam:UpdateAssumeRolePolicy, iam:UpdateLoginProfile"
}

test_scoped_escalation_action_passes if {
	p := fx.policy("self", [fx.allow(["iam:CreateAccessKey"], ["arn:aws:iam::111122223333:user/${aws:username}"])], {})
	count(run([p])) == 0
}

test_read_only_iam_passes if {
	p := fx.policy("reader", [fx.allow(["iam:Get*", "iam:List*"], ["*"])], {})
	count(run([p])) == 0
}

test_denied_actions_are_dropped if {
	p := fx.policy("ops", [fx.allow(["iam:put*", "iam:attachrolepolicy"], ["*"]), fx.deny(["iam:Put*"], ["*"])], {})
	[f.message | some f in run([p])] == ["policy ops allows privilege escalation on Resource \"*\": iam:AttachRolePolicy"]
}

test_not_resource_reaches_every_other_user if {
	cak := {"action": "iam:CreateAccessKey", "accessLevel": "Write", "wildcardOnly": false, "resourceTypes": ["user"]}
	p := fx.policy("keys", [fx.allow_not_resource(["iam:CreateAccessKey"], ["arn:aws:iam::111122223333:user/admin"], [cak], [])], {})
	[f.message | some f in lp_006.findings with input as fx.input_of("synth", {"policies": [p]})] == ["policy keys allows privilege escalation on every resource but NotResource [arn:aws:iam::111122223333:user/admin]: iam:CreateAccessKey"]
}

test_not_resource_excluding_every_user_passes if {
	cak := {"action": "iam:CreateAccessKey", "accessLevel": "Write", "wildcardOnly": false, "resourceTypes": ["user"]}
	p := fx.policy("keys", [fx.allow_not_resource(["iam:CreateAccessKey"], ["arn:aws:iam::*:user/*"], [cak], ["iam:user"])], {})
	count(lp_006.findings) == 0 with input as fx.input_of("synth", {"policies": [p]})
}

test_assume_any_role_is_escalation if {
	p := fx.policy("hop", [fx.allow(["sts:AssumeRole"], ["*"])], {})
	[f.message | some f in lp_006.findings with input as fx.input_of("synth", {"policies": [p]})] == ["policy hop allows privilege escalation on Resource \"*\": sts:AssumeRole"]
}

test_assume_one_role_passes if {
	p := fx.policy("hop", [fx.allow(["sts:AssumeRole"], ["arn:aws:iam::111122223333:role/reader"])], {})
	count(lp_006.findings) == 0 with input as fx.input_of("synth", {"policies": [p]})
}

test_passrole_on_every_role_with_compute_launch_in_another_policy if {
	pass := fx.policy("pass", [fx.allow(["iam:PassRole"], ["arn:aws:iam::111122223333:role/*"])], {})
	deploy := fx.policy("deploy", [fx.allow(["lambda:CreateFunction", "ec2:RunInstances"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": pass.id}, {"policy": deploy.id}]})
	fs := lp_006.findings with input as fx.input_of("synth", {"policies": [pass, deploy], "identities": [app]})
	fs == {{"resource": "policy:pass", "identity": "role:app", "message": "policy pass allows privilege escalation on every role: iam:PassRole on every role with ec2:RunInstances, lambda:CreateFunction (runs code as any role)"}}
}

test_passrole_on_one_role_with_compute_launch_passes if {
	p := fx.policy("deploy", [fx.allow(["iam:PassRole"], ["arn:aws:iam::111122223333:role/lab-task"]), fx.allow(["lambda:CreateFunction"], ["*"])], {})
	count(lp_006.findings) == 0 with input as fx.input_of("synth", {"policies": [p]})
}

test_passrole_without_compute_launch_is_left_to_lp_005 if {
	p := fx.policy("deploy", [fx.allow(["iam:PassRole"], ["*"])], {})
	count(lp_006.findings) == 0 with input as fx.input_of("synth", {"policies": [p]})
}

# Patterns whose wildcard comes before the service still reach IAM and STS actions; patterns of
# other services do not.
test_patterns_wildcarded_before_the_service_are_judged if {
	p := fx.policy("odd", [fx.allow(["?AM:CreateAccessKey", "st*:AssumeRole"], ["*"])], {})
	[f.message | some f in run([p])] == ["policy odd allows privilege escalation on Resource \"*\": iam:CreateAccessKey, sts:AssumeRole"]
	q := fx.policy("short", [fx.allow(["i*"], ["*"])], {})
	count(run([q])) == 1
	other := fx.policy("data", [fx.allow(["s3:*", "ec2:*", "iamx:*", "ia:*"], ["*"])], {})
	count(run([other])) == 0
}
