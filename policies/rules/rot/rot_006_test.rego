package nhi.rules_test.rot_006

import data.nhi.rules.rot_006
import data.nhi.test.fixtures as fx

test_phi_secret_on_aws_managed_key_is_reported if {
	a := fx.secret("labs", {"kms": {"customerManaged": false}})
	b := fx.secret("alias", {"kms": {"customerManaged": false, "keyId": "alias/aws/secretsmanager"}})
	fs := rot_006.findings with input as fx.input_of("synth", {"credentials": [a, b]})
	{f.message | some f in fs} == {
		"secret labs has data-class phi but is encrypted with the AWS managed key, not a customer-managed KMS key",
		"secret alias has data-class phi but is encrypted with the AWS managed key (alias/aws/secretsmanager), not a customer-managed KMS key",
	}
}

test_cmk_non_phi_and_unknown_key_pass if {
	inp := fx.input_of("synth", {"credentials": [
		fx.secret("cmk", {"kms": {"customerManaged": true, "keyId": "kms:phi"}}),
		fx.secret("internal", {"kms": {"customerManaged": false}, "governance": fx.with_keys(fx.governed, {"dataClass": "internal"})}),
		fx.secret("later", {"kms": {"customerManaged": null}}),
	]})
	count(rot_006.findings) == 0 with input as inp
}
