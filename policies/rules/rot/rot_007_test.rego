package nhi.rules_test.rot_007

import data.nhi.rules.rot_007
import data.nhi.test.fixtures as fx

test_literal_value_is_reported_without_the_value if {
	s := fx.secret("db", {"value": {"present": true, "literal": true}})
	fs := rot_007.findings with input as fx.input_of("synth", {"credentials": [s]})
	fs == {{"resource": "secret:db", "identity": null, "message": "secret db has its value written literally in the infrastructure code, so it is stored in code, plan and state: rotate it and remove the constant"}}
}

test_generated_or_absent_value_passes if {
	a := fx.secret("gen", {"value": {"present": true, "literal": false}})
	b := fx.secret("empty", {"value": {"present": false, "literal": false}})
	count(rot_007.findings) == 0 with input as fx.input_of("plan", {"credentials": [a, b]})
}
