package nhi.rules_test.tr_002

import data.nhi.rules.tr_002
import data.nhi.test.fixtures as fx

trusting(name, aws, conditions) := fx.role(name, {"trust": {"known": true, "document": {"statements": [{"effect": "Allow", "actions": ["sts:assumerole"], "principals": {"aws": aws}, "conditions": conditions}]}}})

inp(account, roles) := object.union(fx.input_of("state", {"identities": roles}), {"inventory": {"accountId": account}})

ext := [{"operator": "StringEquals", "key": "sts:externalid", "values": ["vendor-4411"]}]

test_other_account_without_external_id_is_reported if {
	r := trusting("vendor", ["arn:aws:iam::999988887777:root"], [])
	fs := tr_002.findings with input as inp("111122223333", [r])
	fs == {{"resource": "role:vendor", "identity": "role:vendor", "message": "role vendor trusts arn:aws:iam::999988887777:root of account 999988887777 without an sts:ExternalId condition"}}
}

test_unknown_own_account_counts_as_other if {
	r := trusting("vendor", ["999988887777"], [])
	fs := tr_002.findings with input as fx.input_of("synth", {"identities": [r]})
	[f.message | some f in fs] == ["role vendor trusts 999988887777 of account 999988887777 (the inventory's own account is unknown, so it counts as another account) without an sts:ExternalId condition"]
}

test_own_account_from_identity_arns if {
	r := object.union(trusting("ci", ["arn:aws:iam::111122223333:role/deployer"], []), {"arn": "arn:aws:iam::111122223333:role/ci"})
	count(tr_002.findings) == 0 with input as fx.input_of("live", {"identities": [r]})
}

test_external_id_or_same_account_passes if {
	a := trusting("vendor", ["arn:aws:iam::999988887777:root"], ext)
	b := trusting("local", ["arn:aws:iam::111122223333:role/deployer"], [])
	count(tr_002.findings) == 0 with input as inp("111122223333", [a, b])
}

test_wildcard_external_id_does_not_count if {
	c := [{"operator": "StringLike", "key": "sts:externalid", "values": ["*"]}]
	r := trusting("vendor", ["arn:aws:iam::999988887777:root"], c)
	count(tr_002.findings) == 1 with input as inp("111122223333", [r])
}
