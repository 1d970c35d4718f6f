package nhi.rules_test.exp_001

import data.nhi.rules.exp_001
import data.nhi.test.fixtures as fx

test_missing_expiry_is_reported if {
	r := fx.role("forever", {"governance": fx.with_keys(fx.governed, {"expiry": {"valid": false}})})
	fs := exp_001.findings with input as fx.input_of("synth", {"identities": [r]})
	[f.message | some f in fs] == ["role forever has no \"expires-on\" tag"]
}

test_invalid_date_is_reported if {
	r := fx.role("typo", {"governance": fx.with_keys(fx.governed, {"expiry": {"raw": "2027-02-30", "valid": false}})})
	fs := exp_001.findings with input as fx.input_of("synth", {"identities": [r]})
	[f.message | some f in fs] == ["role typo has \"expires-on\" = \"2027-02-30\", which is not a date YYYY-MM-DD"]
}

test_valid_expiry_passes if {
	count(exp_001.findings) == 0 with input as fx.input_of("synth", {"identities": [fx.role("ok", {})]})
}
