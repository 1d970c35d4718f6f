package nhi.rules_test.rot_002

import data.nhi.rules.rot_002
import data.nhi.test.fixtures as fx

rotating(days, class) := {"rotation": {"enabled": true, "intervalDays": days}, "governance": fx.with_keys(fx.governed, {"dataClass": class})}

test_phi_secret_over_30_days_is_reported if {
	fs := rot_002.findings with input as fx.input_of("synth", {"credentials": [fx.secret("labs", rotating(60, "phi"))]})
	fs == {{"resource": "secret:labs", "identity": null, "message": "secret labs rotates every 60 days: more than the 30-day maximum for data-class phi"}}
}

test_internal_secret_over_90_days_is_reported if {
	fs := rot_002.findings with input as fx.input_of("synth", {"credentials": [fx.secret("cfg", rotating(120, "internal"))]})
	[f.message | some f in fs] == ["secret cfg rotates every 120 days: more than the 90-day maximum"]
}

test_within_limits_or_unknown_interval_passes if {
	inp := fx.input_of("synth", {"credentials": [
		fx.secret("labs", rotating(30, "phi")),
		fx.secret("cfg", rotating(60, "internal")),
		fx.secret("sched", rotating(null, "phi")),
	]})
	count(rot_002.findings) == 0 with input as inp
}
