package nhi.rules_test.exp_004

import data.nhi.rules.exp_004
import data.nhi.test.fixtures as fx

dated(name, days) := fx.role(name, {"governance": fx.with_keys(fx.governed, {"expiry": {"raw": "2026-12-01", "valid": true, "daysLeft": days}})})

test_within_window_is_reported if {
	fs := exp_004.findings with input as fx.input_of("synth", {"identities": [dated("soon", 9), dated("today", 0), dated("edge", 14)]})
	{f.resource | some f in fs} == {"role:soon", "role:today", "role:edge"}
	"role soon expires on 2026-12-01, in 9 day(s) (window 14 days): renew or offboard it" in {f.message | some f in fs}
}

test_outside_window_or_past_passes if {
	count(exp_004.findings) == 0 with input as fx.input_of("synth", {"identities": [dated("later", 15), dated("past", -1)]})
}
