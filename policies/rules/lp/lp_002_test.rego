package nhi.rules_test.lp_002

import data.nhi.rules.lp_002
import data.nhi.test.fixtures as fx

run(policies, identities) := fs if {
	fs := lp_002.findings with input as fx.input_of("synth", {"identities": identities, "policies": policies})
}

test_service_wildcard_on_star_is_reported if {
	p := fx.policy("s3all", [fx.allow(["S3:*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	run([p], [app]) == {{"resource": "policy:s3all", "identity": "role:app", "message": "policy s3all allows every s3 action (Action \"S3:*\") on Resource \"*\""}}
}

test_condition_is_shown_but_does_not_clear if {
	stmt := object.union(fx.allow(["iam:*"], ["*"]), {"conditions": [{"operator": "StringEquals", "key": "aws:requestedregion", "values": ["us-east-1"]}]})
	p := fx.policy("iamall", [stmt], {})
	[f.message | some f in run([p], [])] == ["policy iamall allows every iam action (Action \"iam:*\") on Resource \"*\" (under condition aws:requestedregion)"]
}

test_service_wildcard_on_scoped_resource_passes if {
	p := fx.policy("s3bucket", [fx.allow(["s3:*"], ["arn:aws:s3:::claims/*"])], {})
	count(run([p], [])) == 0
}

test_prefix_wildcard_and_full_admin_are_not_service_wide if {
	p := fx.policy("p", [fx.allow(["s3:Get*"], ["*"]), fx.allow(["*"], ["*"])], {})
	count(run([p], [])) == 0
}

test_deny_in_another_policy_of_the_identity_overrides if {
	p := fx.policy("s3all", [fx.allow(["s3:*"], ["*"])], {})
	guard := fx.policy("guard", [fx.deny(["s3:*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}, {"policy": guard.id}]})
	count(run([p, guard], [app])) == 0
}

test_deny_of_one_action_does_not_override if {
	p := fx.policy("s3all", [fx.allow(["s3:*"], ["*"]), fx.deny(["s3:DeleteBucket"], ["*"])], {})
	count(run([p], [])) == 1
}

test_not_action_grants_every_other_service_whole if {
	p := fx.policy("most", [fx.allow_not(["iam:*", "organizations:*"], ["*"], [fx.whole("dynamodb"), fx.whole("s3"), {"service": "sts", "all": false, "actions": []}])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	[f.message | some f in run([p], [app])] == ["policy most allows every action of 2 service(s) through NotAction [iam:*, organizations:*] on Resource \"*\": dynamodb, s3 (their write and permissions-management actions, NHI-LP-003, are part of this finding)"]
}

test_not_action_on_a_scoped_resource_is_not_service_wide_on_every_resource if {
	p := fx.policy("most", [fx.allow_not(["iam:*"], ["arn:aws:sqs:us-east-1:111122223333:q"], [fx.whole("sqs")])], {})
	count(run([p], [])) == 0
}

test_not_action_service_denied_whole_is_dropped if {
	p := fx.policy("most", [fx.allow_not(["iam:*"], ["*"], [fx.whole("s3")]), fx.deny(["s3:*"], ["*"])], {})
	count(run([p], [])) == 0
}

# The services are the statement's, the Deny statements each holder's own.
test_not_action_services_a_holder_deny_takes_are_dropped_for_that_holder_only if {
	p := fx.policy("most", [fx.allow_not(["iam:*"], ["*"], [fx.whole("dynamodb"), fx.whole("s3")])], {})
	guard := fx.policy("guard", [fx.deny(["s3:*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	guarded := fx.role("guarded", {"policies": [{"policy": p.id}, {"policy": guard.id}]})
	{[f.identity, f.message] | some f in run([p, guard], [app, guarded])} == {
		["role:app", "policy most allows every action of 2 service(s) through NotAction [iam:*] on Resource \"*\": dynamodb, s3 (their write and permissions-management actions, NHI-LP-003, are part of this finding)"],
		["role:guarded", "policy most allows every action of 1 service(s) through NotAction [iam:*] on Resource \"*\": dynamodb (their write and permissions-management actions, NHI-LP-003, are part of this finding)"],
	}
}

# The pack's compact input (checks/engine/compactInput.ts) names a shared grants entry instead of
# repeating it per statement: the same findings, with each holder's own Deny.
test_not_action_grants_by_reference_count_as_inline_grants if {
	grants := [fx.whole("s3"), fx.whole("dynamodb"), {"service": "sts", "all": false, "actions": []}]
	inline := fx.allow_not(["iam:*"], ["*"], grants)
	by_ref := object.union(object.remove(inline, ["notActionGrants"]), {"notActionGrantsRef": "0"})
	guard := fx.policy("guard", [fx.deny(["s3:*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": "policy:most"}]})
	guarded := fx.role("guarded", {"policies": [{"policy": "policy:most"}, {"policy": guard.id}]})
	want := {[f.identity, f.message] | some f in run([fx.policy("most", [inline], {}), guard], [app, guarded])}
	count(want) == 2
	compact := object.union(fx.input_of("synth", {"identities": [app, guarded], "policies": [fx.policy("most", [by_ref], {}), guard]}), {"grants": {"0": grants}})
	{[f.identity, f.message] | some f in lp_002.findings with input as compact} == want
}

test_service_wildcard_with_not_resource_reaches_every_other_resource if {
	p := fx.policy("s3most", [fx.allow_not_resource(["s3:*"], ["arn:aws:s3:::phi/*"], [], [])], {})
	[f.message | some f in run([p], [])] == ["policy s3most allows every s3 action (Action \"s3:*\") on every resource but NotResource [arn:aws:s3:::phi/*]"]
}

test_service_wildcard_with_not_resource_excluding_the_service_passes if {
	p := fx.policy("s3none", [fx.allow_not_resource(["s3:*"], ["arn:aws:s3:::*", "arn:aws:s3:*:*:*"], [], ["s3:*"])], {})
	count(run([p], [])) == 0
}
