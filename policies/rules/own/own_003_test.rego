package nhi.rules_test.own_003

import data.nhi.rules.own_003
import data.nhi.test.fixtures as fx

test_missing_and_invalid_values_are_listed if {
	gov := object.remove(fx.with_keys(fx.governed, {"environment": "qa", "dataClass": "PHI"}), ["identityKind"])
	r := fx.role("loose", {"governance": gov})
	fs := own_003.findings with input as fx.input_of("synth", {"identities": [r]})
	[f.message | some f in fs] == ["role loose: \"data-class\" = \"PHI\" is not one of phi, pii, internal, public; \"environment\" = \"qa\" is not one of prod, staging, dev, test; no \"identity-kind\" tag"]
}

test_secret_is_checked_for_data_class_and_environment_only if {
	s := fx.secret("api", {"governance": object.remove(fx.governed, ["dataClass", "identityKind"])})
	fs := own_003.findings with input as fx.input_of("synth", {"credentials": [s]})
	fs == {{"resource": "secret:api", "identity": null, "message": "secret api: no \"data-class\" tag"}}
}

test_valid_values_pass if {
	s := fx.secret("api", {"governance": object.remove(fx.governed, ["identityKind"])})
	count(own_003.findings) == 0 with input as fx.input_of("synth", {"identities": [fx.role("ok", {})], "credentials": [s]})
}

test_valid_values_come_from_policy_data if {
	r := fx.role("r", {"governance": fx.with_keys(fx.governed, {"environment": "qa"})})
	count(own_003.findings) == 0 with input as fx.input_of("synth", {"identities": [r]})
		with data.nhi.config.validValues.environment as ["qa", "prod"]
}
