package nhi.rules_test.rot_009

import data.nhi.rules.rot_009
import data.nhi.test.fixtures as fx

key(name, class, rotation, policy) := {
	"id": sprintf("kms:%s", [name]), "kind": "kms", "name": name, "tags": {}, "dataClass": class,
	"keyRotation": rotation, "keyPolicy": policy, "change": "create", "origin": {"source": "plan"},
}

run(stores) := fs if {
	fs := rot_009.findings with input as fx.input_of("plan", {"dataStores": stores})
}

test_phi_key_without_rotation_and_policy_is_reported if {
	run([key("records", "phi", false, false)]) == {{"resource": "kms:records", "identity": null, "message": "KMS key records has data-class phi and no automatic rotation and no key policy of its own (the account default)"}}
}

test_each_problem_alone_is_reported if {
	{f.message | some f in run([key("a", "phi", false, true), key("b", "phi", true, false)])} == {
		"KMS key a has data-class phi and no automatic rotation",
		"KMS key b has data-class phi and no key policy of its own (the account default)",
	}
}

test_governed_unknown_or_non_phi_keys_pass if {
	count(run([key("ok", "phi", true, true), key("later", "phi", null, null), key("internal", "internal", false, false)])) == 0
}
