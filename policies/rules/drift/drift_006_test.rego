package nhi.rules_test.drift_006

import data.nhi.rules.drift_006
import data.nhi.test.drift as dx

matches := {"credentials": [dx.pair("aws_secretsmanager_secret.a", "secret:a"), dx.pair("aws_secretsmanager_secret.b", "secret:b")]}

test_rotation_cancelled_or_changed_live if {
	inp := dx.input_of(
		{"credentials": [dx.declared_secret("a", {}), dx.declared_secret("b", {})]},
		{"credentials": [dx.live_secret("a", {"rotation": {"enabled": false}}), dx.live_secret("b", {"rotation": {"enabled": true, "intervalDays": 90}})]},
		matches,
	)
	drift_006.findings == {
		{"resource": "aws_secretsmanager_secret.a", "identity": null, "message": "secret a: rotation is declared every 30 days but disabled live"},
		{"resource": "aws_secretsmanager_secret.b", "identity": null, "message": "secret b rotates every 90 days live, every 30 days declared"},
	} with input as inp
}

test_same_rotation_or_none_declared_pass if {
	inp := dx.input_of(
		{"credentials": [dx.declared_secret("a", {}), dx.declared_secret("b", {"rotation": {"enabled": false}})]},
		{"credentials": [dx.live_secret("a", {"rotation": {"enabled": true, "intervalDays": 30}}), dx.live_secret("b", {"rotation": {"enabled": false}})]},
		matches,
	)
	count(drift_006.findings) == 0 with input as inp
}
