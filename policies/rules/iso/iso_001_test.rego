package nhi.rules_test.iso_001

import data.nhi.rules.iso_001
import data.nhi.test.fixtures as fx

accounts := {"111111111111": "prod", "222222222222": "staging"}

trust(principal) := {"known": true, "document": {"statements": [{
	"effect": "Allow",
	"actions": ["sts:assumerole"],
	"principals": {"aws": [principal]},
	"conditions": [],
}]}}

env(e) := object.union(fx.governed, {"environment": e})

run(parts) := fs if {
	fs := iso_001.findings with input as fx.input_of("state", parts) with data.nhi.config.accounts as accounts
}

test_prod_role_trusted_by_a_staging_account_is_reported if {
	r := fx.role("api", {"trust": trust("arn:aws:iam::222222222222:root")})
	fs := run({"identities": [r]})
	fs == {{"resource": "role:api", "identity": "role:api", "message": "prod role api is trusted by arn:aws:iam::222222222222:root of account 222222222222, which is mapped to environment staging"}}
}

test_prod_role_trusted_by_a_prod_account_is_compliant if {
	r := fx.role("api", {"trust": trust("arn:aws:iam::111111111111:role/deployer")})
	count(run({"identities": [r]})) == 0
}

test_staging_role_trusted_by_a_staging_account_is_compliant if {
	r := fx.role("api", {"governance": env("staging"), "trust": trust("222222222222")})
	count(run({"identities": [r]})) == 0
}

test_account_missing_from_the_map_is_not_judged if {
	r := fx.role("api", {"trust": trust("arn:aws:iam::333333333333:root")})
	count(run({"identities": [r]})) == 0
}

test_no_accounts_map_no_findings if {
	r := fx.role("api", {"trust": trust("arn:aws:iam::222222222222:root")})
	count(iso_001.findings) == 0 with input as fx.input_of("state", {"identities": [r]})
}

test_prod_role_granted_a_staging_table_is_reported if {
	p := fx.policy("copy", [fx.allow(["dynamodb:putitem"], ["arn:aws:dynamodb:us-east-1:222222222222:table/scratch"])], {})
	r := fx.role("api", {"policies": [{"policy": p.id}]})
	fs := run({"identities": [r], "policies": [p]})
	{[f.resource, f.identity] | some f in fs} == {["policy:copy", "role:api"]}
}

test_prod_role_granted_a_prod_table_is_compliant if {
	p := fx.policy("copy", [fx.allow(["dynamodb:putitem"], ["arn:aws:dynamodb:us-east-1:111111111111:table/claims"])], {})
	r := fx.role("api", {"policies": [{"policy": p.id}]})
	count(run({"identities": [r], "policies": [p]})) == 0
}

test_grant_through_a_group_is_reported if {
	p := fx.policy("copy", [fx.allow(["sts:assumerole"], ["arn:aws:iam::222222222222:role/loader"])], {})
	u := fx.role("etl", {"kind": "user", "id": "user:etl", "groups": ["group:g"]})
	g := {"id": "group:g", "name": "g", "policies": [{"policy": p.id}], "origin": {"source": "state"}}
	count(run({"identities": [u], "groups": [g], "policies": [p]})) == 1
}

test_grant_denied_by_an_unconditioned_deny_is_compliant if {
	p := fx.policy("copy", [fx.allow(["dynamodb:putitem"], ["arn:aws:dynamodb:us-east-1:222222222222:table/scratch"])], {})
	guard := fx.policy("guard", [fx.deny(["dynamodb:*"], ["arn:aws:dynamodb:*:222222222222:*"])], {})
	r := fx.role("api", {"policies": [{"policy": p.id}, {"policy": guard.id}]})
	count(run({"identities": [r], "policies": [p, guard]})) == 0
}
