package nhi.rules_test.exp_003

import data.nhi.rules.exp_003
import data.nhi.test.fixtures as fx

gov(kind, days) := fx.with_keys(fx.governed, {"identityKind": kind, "expiry": {"raw": "2027-12-31", "valid": true, "daysLeft": days}})

test_vendor_beyond_90_days_is_reported if {
	r := fx.role("vendor", {"governance": gov("vendor", 120)})
	fs := exp_003.findings with input as fx.input_of("synth", {"identities": [r]})
	fs == {{"resource": "role:vendor", "identity": "role:vendor", "message": "role vendor expires on 2027-12-31, 120 days from now: more than the 90-day maximum for identity-kind vendor"}}
}

test_service_within_365_days_passes if {
	r := fx.role("svc", {"governance": gov("service", 365)})
	count(exp_003.findings) == 0 with input as fx.input_of("synth", {"identities": [r]})
}

test_unknown_kind_is_left_to_own_003 if {
	r := fx.role("odd", {"governance": gov("robot", 4000)})
	count(exp_003.findings) == 0 with input as fx.input_of("synth", {"identities": [r]})
}

test_limit_comes_from_policy_data if {
	r := fx.role("svc", {"governance": gov("service", 200)})
	count(exp_003.findings) == 1 with input as fx.input_of("synth", {"identities": [r]}) with data.nhi.config.maxLifetimeDays.service as 180
}
