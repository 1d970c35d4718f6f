package nhi.rules_test.lp_001

import data.nhi.rules.lp_001
import data.nhi.test.fixtures as fx

admin_policy := fx.policy("admin", [fx.allow(["*"], ["*"])], {})

test_full_wildcard_attached_to_role_is_reported if {
	app := fx.role("app", {"policies": [{"policy": admin_policy.id}]})
	fs := lp_001.findings with input as fx.input_of("synth", {"identities": [app], "policies": [admin_policy]})
	fs == {{"resource": "policy:admin", "identity": "role:app", "message": "policy admin allows every action (Action \"*\")"}}
}

test_star_colon_star_is_full_admin_too if {
	p := fx.policy("p", [fx.allow(["*:*"], ["*"])], {})
	fs := lp_001.findings with input as fx.input_of("plan", {"policies": [p]})
	count(fs) == 1
}

test_unattached_policy_is_reported_without_identity if {
	fs := lp_001.findings with input as fx.input_of("synth", {"policies": [admin_policy]})
	[f | some f in fs][0].identity == null
}

test_service_wildcard_is_not_full_admin if {
	p := fx.policy("s3all", [fx.allow(["s3:*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": p.id}]})
	count(lp_001.findings) == 0 with input as fx.input_of("synth", {"identities": [app], "policies": [p]})
}

test_deny_star_is_not_an_allow if {
	p := fx.policy("guard", [fx.deny(["*"], ["*"])], {})
	count(lp_001.findings) == 0 with input as fx.input_of("synth", {"policies": [p]})
}

test_policy_being_deleted_is_not_judged if {
	p := fx.policy("old", [fx.allow(["*"], ["*"])], {"change": "delete"})
	count(lp_001.findings) == 0 with input as fx.input_of("plan", {"policies": [p]})
}

test_unknown_document_is_not_decided_here if {
	p := fx.policy("later", [], {"document": {"known": false, "reason": "known after apply"}})
	count(lp_001.findings) == 0 with input as fx.input_of("plan", {"policies": [p]})
}

test_full_wildcard_reaching_a_user_through_its_group_is_reported if {
	user := fx.role("etl", {"kind": "user", "id": "user:etl", "groups": ["group:admins"]})
	group := {"id": "group:admins", "name": "admins", "policies": [{"policy": admin_policy.id}], "origin": {"source": "plan"}}
	fs := lp_001.findings with input as fx.input_of("plan", {"identities": [user], "groups": [group], "policies": [admin_policy]})
	{f.identity | some f in fs} == {"user:etl"}
}

test_unconditioned_deny_of_everything_on_the_same_identity_overrides if {
	guard := fx.policy("guard", [fx.deny(["*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": admin_policy.id}, {"policy": guard.id}]})
	count(lp_001.findings) == 0 with input as fx.input_of("synth", {"identities": [app], "policies": [admin_policy, guard]})
}

test_a_narrower_deny_does_not_override_full_admin if {
	guard := fx.policy("guard", [fx.deny(["s3:*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": admin_policy.id}, {"policy": guard.id}]})
	count(lp_001.findings) == 1 with input as fx.input_of("synth", {"identities": [app], "policies": [admin_policy, guard]})
}
