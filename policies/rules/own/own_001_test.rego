package nhi.rules_test.own_001

import data.nhi.rules.own_001
import data.nhi.test.fixtures as fx

without_owner := object.remove(fx.governed, ["owner"])

test_role_without_owner_is_reported if {
	r := fx.role("orphan", {"governance": without_owner})
	fs := own_001.findings with input as fx.input_of("synth", {"identities": [r]})
	fs == {{"resource": "role:orphan", "identity": "role:orphan", "message": "role orphan has no \"owner\" tag"}}
}

test_blank_owner_is_missing if {
	r := fx.role("blank", {"governance": fx.with_keys(fx.governed, {"owner": "   "})})
	count(own_001.findings) == 1 with input as fx.input_of("state", {"identities": [r]})
}

test_secret_without_owner_is_reported if {
	s := fx.secret("lab-api", {"governance": without_owner})
	fs := own_001.findings with input as fx.input_of("synth", {"credentials": [s]})
	[f.resource | some f in fs] == ["secret:lab-api"]
}

test_owned_role_and_secret_pass if {
	inp := fx.input_of("synth", {"identities": [fx.role("ok", {})], "credentials": [fx.secret("ok", {})]})
	count(own_001.findings) == 0 with input as inp
}

test_tag_key_comes_from_policy_data if {
	r := fx.role("orphan", {"governance": without_owner})
	fs := own_001.findings with input as fx.input_of("synth", {"identities": [r]})
		with data.nhi.config.tagKeys.owner as "team"
	[f.message | some f in fs] == ["role orphan has no \"team\" tag"]
}

test_tags_unknown_until_apply_are_not_decided if {
	r := fx.role("later", {"governance": without_owner, "tagsUnknown": true})
	count(own_001.findings) == 0 with input as fx.input_of("plan", {"identities": [r]})
}

test_deleted_role_is_not_judged if {
	r := fx.role("gone", {"governance": without_owner, "change": "delete"})
	count(own_001.findings) == 0 with input as fx.input_of("plan", {"identities": [r]})
}
