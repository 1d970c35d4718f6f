package nhi.rules_test.rot_004

import data.nhi.rules.rot_004
import data.nhi.test.fixtures as fx

live_secret(name, rotation) := fx.secret(name, {"change": "existing", "origin": {"source": "live"}, "rotation": rotation})

test_rotation_failing if {
	a := live_secret("a", {"enabled": true, "intervalDays": 30, "lastRotated": "2026-09-01T00:00:00Z", "daysSinceRotated": 82})
	b := live_secret("b", {"enabled": true, "intervalDays": null, "lastRotated": null, "daysSinceRotated": 45})
	rot_004.findings == {
		{"resource": "secret:a", "identity": null, "message": "secret a was last rotated 82 days ago, but rotates every 30 days: rotation is failing"},
		{"resource": "secret:b", "identity": null, "message": "secret b was last rotated 45 days ago, but rotates every 30 days (interval unknown: the data-class phi maximum): rotation is failing"},
	} with input as fx.input_of("live", {"credentials": [a, b]})
}

test_on_time_within_a_day_or_disabled_pass if {
	a := live_secret("a", {"enabled": true, "intervalDays": 30, "daysSinceRotated": 31})
	b := live_secret("b", {"enabled": false, "intervalDays": null, "daysSinceRotated": 400})
	count(rot_004.findings) == 0 with input as fx.input_of("live", {"credentials": [a, b]})
}
