package nhi.rules_test.exp_002

import data.nhi.rules.exp_002
import data.nhi.test.fixtures as fx

expired_gov := fx.with_keys(fx.governed, {"expiry": {"raw": "2026-10-01", "valid": true, "daysLeft": -52}})

test_expired_declared_role_is_reported if {
	r := fx.role("vendor", {"governance": expired_gov})
	fs := exp_002.findings with input as fx.input_of("synth", {"identities": [r]})
	[f.message | some f in fs] == ["role vendor expired on 2026-10-01 (52 days ago) and is still declared"]
}

test_expired_live_role_still_exists if {
	r := fx.role("vendor", {"governance": expired_gov, "change": "existing"})
	fs := exp_002.findings with input as fx.input_of("live", {"identities": [r]})
	[f.message | some f in fs] == ["role vendor expired on 2026-10-01 (52 days ago) and still exists"]
}

test_expiring_today_is_not_expired if {
	r := fx.role("today", {"governance": fx.with_keys(fx.governed, {"expiry": {"raw": "2026-11-22", "valid": true, "daysLeft": 0}})})
	count(exp_002.findings) == 0 with input as fx.input_of("synth", {"identities": [r]})
}

test_expired_role_being_deleted_is_the_fix if {
	r := fx.role("vendor", {"governance": expired_gov, "change": "delete"})
	count(exp_002.findings) == 0 with input as fx.input_of("plan", {"identities": [r]})
}
