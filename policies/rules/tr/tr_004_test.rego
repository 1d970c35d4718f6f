package nhi.rules_test.tr_004

import data.nhi.rules.tr_004
import data.nhi.test.fixtures as fx

mfa := {"operator": "Bool", "key": "aws:multifactorauthpresent", "values": ["true"]}

glass(name, conditions, seconds) := fx.role(name, {
	"governance": fx.with_keys(fx.governed, {"identityKind": "break-glass"}),
	"maxSessionDuration": seconds,
	"trust": {"known": true, "document": {"statements": [{"effect": "Allow", "actions": ["sts:assumerole"], "principals": {"aws": ["arn:aws:iam::111122223333:root"]}, "conditions": conditions}]}},
})

run(roles) := fs if {
	fs := tr_004.findings with input as fx.input_of("synth", {"identities": roles})
}

test_no_mfa_is_reported if {
	run([glass("glass", [], 3600)]) == {{"resource": "role:glass", "identity": "role:glass", "message": "break-glass role glass can be assumed by arn:aws:iam::111122223333:root without MFA (no aws:MultiFactorAuthPresent condition)"}}
}

test_bool_if_exists_and_long_session_are_reported if {
	weak := {"operator": "BoolIfExists", "key": "aws:multifactorauthpresent", "values": ["true"]}
	{f.message | some f in run([glass("glass", [weak], 43200)])} == {
		"break-glass role glass can be assumed by arn:aws:iam::111122223333:root without MFA (no aws:MultiFactorAuthPresent condition)",
		"break-glass role glass allows sessions of 43200 seconds, more than 3600",
	}
}

test_mfa_and_short_session_pass if {
	age := {"operator": "NumericLessThan", "key": "aws:multifactorauthage", "values": ["900"]}
	count(run([glass("glass", [mfa], 3600), glass("aged", [age], 900)])) == 0
}

test_other_kinds_are_not_break_glass if {
	r := fx.role("svc", {"maxSessionDuration": 43200, "trust": {"known": true, "document": {"statements": [{"effect": "Allow", "principals": {"aws": ["arn:aws:iam::111122223333:root"]}, "conditions": []}]}}})
	count(run([r])) == 0
}
