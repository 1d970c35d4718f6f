package nhi.rules_test.rot_003

import data.nhi.rules.rot_003
import data.nhi.test.fixtures as fx

user(name, kind) := fx.role(name, {"id": sprintf("user:%s", [name]), "kind": "user", "governance": fx.with_keys(fx.governed, {"identityKind": kind})})

key(name, over) := fx.with_keys({"id": sprintf("key:%s", [name]), "kind": "access-key", "name": null, "identity": sprintf("user:%s", [name]), "tags": {}, "change": "create", "origin": {"source": "synth"}}, over)

test_declared_key_is_reported if {
	fs := rot_003.findings with input as fx.input_of("synth", {"identities": [user("ci", "automation")], "credentials": [key("ci", {})]})
	fs == {{"resource": "key:ci", "identity": "user:ci", "message": "access key key:ci of user ci is a long-lived credential (is still declared)"}}
}

test_live_inactive_key_is_reported if {
	k := key("ci", {"name": "AKIAEXAMPLE", "status": "Inactive", "change": "existing"})
	fs := rot_003.findings with input as fx.input_of("live", {"identities": [user("ci", "automation")], "credentials": [k]})
	[f.message | some f in fs] == ["access key AKIAEXAMPLE of user ci is a long-lived credential, status Inactive (still exists)"]
}

test_human_user_deleted_key_and_secrets_pass if {
	inp := fx.input_of("synth", {
		"identities": [user("alice", "human-role"), user("ci", "automation")],
		"credentials": [key("alice", {}), key("ci", {"change": "delete"}), fx.secret("api", {})],
	})
	count(rot_003.findings) == 0 with input as inp
}
