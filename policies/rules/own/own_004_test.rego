package nhi.rules_test.own_004

import data.nhi.rules.own_004
import data.nhi.test.fixtures as fx

inp := fx.input_of("synth", {
	"identities": [fx.role("app", {}), fx.role("stray", {"governance": fx.with_keys(fx.governed, {"owner": "someone-else"})})],
	"credentials": [fx.secret("api", {"governance": fx.with_keys(fx.governed, {"owner": "Integration-Platform"})})],
})

test_owner_outside_registry_is_reported if {
	fs := own_004.findings with input as inp with data.nhi.config.owners as ["integration-platform", "claims"]
	fs == {
		{"resource": "role:stray", "identity": "role:stray", "message": "role stray has owner \"someone-else\", which is not in the owners registry"},
		{"resource": "secret:api", "identity": null, "message": "secret api has owner \"Integration-Platform\", which is not in the owners registry"},
	}
}

test_no_registry_means_no_finding if {
	count(own_004.findings) == 0 with input as inp with data.nhi.config.owners as []
}

test_missing_owner_is_left_to_own_001 if {
	r := fx.role("orphan", {"governance": object.remove(fx.governed, ["owner"])})
	count(own_004.findings) == 0 with input as fx.input_of("synth", {"identities": [r]}) with data.nhi.config.owners as ["claims"]
}
