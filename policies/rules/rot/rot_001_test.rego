package nhi.rules_test.rot_001

import data.nhi.rules.rot_001
import data.nhi.test.fixtures as fx

test_disabled_or_absent_rotation_is_reported if {
	a := fx.secret("static", {"rotation": {"enabled": false, "intervalDays": null}})
	b := object.remove(fx.secret("bare", {}), ["rotation"])
	fs := rot_001.findings with input as fx.input_of("synth", {"credentials": [a, b]})
	fs == {
		{"resource": "secret:static", "identity": null, "message": "secret static has no automatic rotation"},
		{"resource": "secret:bare", "identity": null, "message": "secret bare has no automatic rotation"},
	}
}

test_rotating_secret_and_access_keys_pass if {
	k := {"id": "key:ci", "kind": "access-key", "name": "AKIA", "identity": "user:ci", "tags": {}, "change": "create", "origin": {"source": "synth"}}
	count(rot_001.findings) == 0 with input as fx.input_of("synth", {"credentials": [fx.secret("ok", {}), k]})
}

test_deleted_secret_is_not_judged if {
	s := fx.secret("gone", {"rotation": {"enabled": false}, "change": "delete"})
	count(rot_001.findings) == 0 with input as fx.input_of("plan", {"credentials": [s]})
}
