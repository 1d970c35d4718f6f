package nhi.rules_test.tr_001

import data.nhi.rules.tr_001
import data.nhi.test.fixtures as fx

trusting(name, principals, conditions) := fx.role(name, {"trust": {"known": true, "document": {"statements": [{"effect": "Allow", "actions": ["sts:assumerole"], "principals": principals, "conditions": conditions}]}}})

run(roles) := fs if {
	fs := tr_001.findings with input as fx.input_of("synth", {"identities": roles})
}

test_any_principal_is_reported if {
	run([trusting("open", {"any": true}, [])]) == {{"resource": "role:open", "identity": "role:open", "message": "role open can be assumed by any principal (Principal \"*\")"}}
}

test_aws_star_with_a_non_restricting_condition_is_reported if {
	c := [{"operator": "StringLike", "key": "aws:principalarn", "values": ["*"]}]
	[f.message | some f in run([trusting("open", {"aws": ["*"]}, c)])] == ["role open can be assumed by any principal (Principal \"*\") and its condition (aws:principalarn) does not restrict who"]
}

test_restricting_conditions_pass if {
	org := trusting("org", {"any": true}, [{"operator": "StringEquals", "key": "aws:principalorgid", "values": ["o-abc123"]}])
	ext := trusting("ext", {"aws": ["*"]}, [{"operator": "StringEquals", "key": "sts:externalid", "values": ["x-77"]}])
	tag := trusting("tag", {"any": true}, [{"operator": "StringEquals", "key": "aws:principaltag/team", "values": ["claims"]}])
	count(run([org, ext, tag])) == 0
}

test_named_principal_and_unknown_trust_pass if {
	named := trusting("named", {"aws": ["arn:aws:iam::111122223333:role/ci"]}, [])
	later := fx.role("later", {"trust": {"known": false, "reason": "known after apply"}})
	count(run([named, later])) == 0
}

test_if_exists_does_not_restrict if {
	c := [{"operator": "StringEqualsIfExists", "key": "aws:sourceaccount", "values": ["111122223333"]}]
	count(run([trusting("open", {"any": true}, c)])) == 1
}
