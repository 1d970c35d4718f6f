package nhi.rules_test.own_002

import data.nhi.rules.own_002
import data.nhi.test.fixtures as fx

without_purpose := object.remove(fx.governed, ["purpose"])

test_role_and_secret_without_purpose_are_reported if {
	r := fx.role("mystery", {"governance": without_purpose})
	s := fx.secret("blank", {"governance": fx.with_keys(fx.governed, {"purpose": " "})})
	fs := own_002.findings with input as fx.input_of("synth", {"identities": [r], "credentials": [s]})
	fs == {
		{"resource": "role:mystery", "identity": "role:mystery", "message": "role mystery has no \"purpose\" tag"},
		{"resource": "secret:blank", "identity": null, "message": "secret blank has no \"purpose\" tag"},
	}
}

test_with_purpose_passes if {
	inp := fx.input_of("synth", {"identities": [fx.role("ok", {})], "credentials": [fx.secret("ok", {})]})
	count(own_002.findings) == 0 with input as inp
}

test_tags_unknown_or_deleted_are_not_judged if {
	a := fx.role("later", {"governance": without_purpose, "tagsUnknown": true})
	b := fx.role("gone", {"governance": without_purpose, "change": "delete"})
	count(own_002.findings) == 0 with input as fx.input_of("plan", {"identities": [a, b]})
}
