package nhi.rules_test.tr_005

import data.nhi.rules.tr_005
import data.nhi.test.fixtures as fx

trusted(name, kind, aws, conditions) := fx.role(name, {
	"governance": fx.with_keys(fx.governed, {"identityKind": kind}),
	"trust": {"known": true, "document": {"statements": [{"effect": "Allow", "actions": ["sts:assumerole"], "principals": {"aws": aws}, "conditions": conditions}]}},
})

inp(roles) := object.union(fx.input_of("state", {"identities": roles}), {"inventory": {"accountId": "111122223333"}})

test_same_account_root_and_user_are_reported if {
	r := trusted("etl", "automation", ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice"], [])
	fs := tr_005.findings with input as inp([r])
	{f.message | some f in fs} == {
		"automation identity role etl is assumable by the account root (any user) of its own account: arn:aws:iam::111122223333:root",
		"automation identity role etl is assumable by the IAM user arn:aws:iam::111122223333:user/alice",
	}
}

test_user_reported_even_when_account_unknown if {
	r := trusted("etl", "service", ["arn:aws:iam::111122223333:user/alice"], [])
	count(tr_005.findings) == 1 with input as fx.input_of("synth", {"identities": [r]})
}

test_human_role_other_account_and_narrowed_root_pass if {
	human := trusted("ops", "human-role", ["arn:aws:iam::111122223333:root"], [])
	vendor := trusted("vendor", "vendor", ["arn:aws:iam::999988887777:root"], [])
	narrowed := trusted("etl", "automation", ["111122223333"], [{"operator": "ArnEquals", "key": "aws:principalarn", "values": ["arn:aws:iam::111122223333:role/scheduler"]}])
	role := trusted("fn", "service", ["arn:aws:iam::111122223333:role/scheduler"], [])
	count(tr_005.findings) == 0 with input as inp([human, vendor, narrowed, role])
}
