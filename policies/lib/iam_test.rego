package nhi.lib_test.iam

import data.nhi.lib.iam
import data.nhi.test.fixtures as fx

test_actions_match_case_insensitively_and_through_wildcards if {
	iam.matches("iam:Put*", "iam:putrolepolicy")
	iam.matches("IAM:*", "iam:PassRole")
	iam.matches("*", "s3:getobject")
	iam.matches("iam:?assrole", "iam:passrole")
	not iam.matches("iam:get*", "iam:passrole")
}

test_not_action_grants_everything_else if {
	iam.covers_action({"effect": "Allow", "notActions": ["s3:*"], "resources": ["*"]}, "iam:passrole")
	not iam.covers_action({"effect": "Allow", "notActions": ["iam:*"], "resources": ["*"]}, "iam:passrole")
}

test_unconditioned_deny_in_another_policy_of_the_holder_applies if {
	allow := fx.policy("allow", [fx.allow(["iam:*"], ["*"])], {})
	guard := fx.policy("guard", [fx.deny(["iam:Pass*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": allow.id}, {"policy": guard.id}]})
	iam.denied(allow, app.id, "iam:passrole", "*") with input as fx.input_of("synth", {"identities": [app], "policies": [allow, guard]})
}

test_deny_reaching_through_a_group_applies if {
	allow := fx.policy("allow", [fx.allow(["iam:*"], ["*"])], {})
	guard := fx.policy("guard", [fx.deny(["*"], ["*"])], {})
	u := fx.role("u", {"kind": "user", "policies": [{"policy": allow.id}], "groups": ["group:g"]})
	g := {"id": "group:g", "name": "g", "policies": [{"policy": guard.id}]}
	inp := fx.input_of("synth", {"identities": [u], "groups": [g], "policies": [allow, guard]})
	iam.denied(allow, u.id, "iam:passrole", "*") with input as inp
}

test_conditional_deny_and_other_identities_deny_do_not_apply if {
	allow := fx.policy("allow", [fx.allow(["iam:*"], ["*"])], {})
	cond := object.union(fx.deny(["*"], ["*"]), {"conditions": [{"operator": "Bool", "key": "aws:securetransport", "values": ["false"]}]})
	guard := fx.policy("guard", [cond], {})
	other_guard := fx.policy("other", [fx.deny(["*"], ["*"])], {})
	app := fx.role("app", {"policies": [{"policy": allow.id}, {"policy": guard.id}]})
	other := fx.role("other", {"policies": [{"policy": other_guard.id}]})
	inp := fx.input_of("synth", {"identities": [app, other], "policies": [allow, guard, other_guard]})
	not iam.denied(allow, app.id, "iam:passrole", "*") with input as inp
}

test_deny_on_a_narrower_resource_does_not_cover_star if {
	allow := fx.policy("allow", [fx.allow(["iam:*"], ["*"]), fx.deny(["iam:*"], ["arn:aws:iam::111122223333:role/admin"])], {})
	not iam.denied(allow, null, "iam:passrole", "*") with input as fx.input_of("synth", {"policies": [allow]})
}

test_restricting_conditions if {
	iam.restricts({"operator": "StringEquals", "key": "sts:externalid", "values": ["abc"]})
	iam.restricts({"operator": "ForAnyValue:StringLike", "key": "aws:principaltag/team", "values": ["claims-*"]})
	not iam.restricts({"operator": "StringLike", "key": "aws:sourcearn", "values": ["*"]})
	not iam.restricts({"operator": "StringEqualsIfExists", "key": "sts:externalid", "values": ["abc"]})
	not iam.restricts({"operator": "StringNotEquals", "key": "aws:sourceaccount", "values": ["111122223333"]})
	not iam.restricts({"operator": "ForAllValues:StringEquals", "key": "aws:principaltag/team", "values": ["a"]})
}

test_account_of_principals if {
	iam.account_of("arn:aws:iam::111122223333:root") == "111122223333"
	iam.account_of("444455556666") == "444455556666"
	not iam.account_of("arn:aws:iam::aws:policy/x")
}

test_own_accounts_from_account_id_or_arns if {
	iam.own_accounts == {"111122223333"} with input as {"inventory": {"accountId": "111122223333", "identities": []}}
	iam.own_accounts == {"444455556666"} with input as {"inventory": {"identities": [{"arn": "arn:aws:iam::444455556666:role/x"}]}}
	not iam.own_account_known with input as {"inventory": {"identities": [{"name": "x"}]}}

	# Named accounts (--own-account, policy data ownAccounts) count beside inventory.accountId.
	iam.own_accounts == {"111122223333", "444455556666"} with input as {"inventory": {"accountId": "111122223333", "ownAccounts": ["111122223333", "444455556666"], "identities": []}}
}

# IAM wildcards are * and ? only: glob syntax and characters the WASM glob mistakes are literal.
test_matches_glob_syntax_is_literal if {
	iam.matches("s3:get[*", "s3:get[object")
	not iam.matches("s3:get[*", "s3:getobject")
	not iam.matches("s3:get[a-z]bject", "s3:getobject")
	iam.matches("s3:get[a-z]bject", "s3:get[a-z]bject")
	not iam.matches("s3:{get,put}object", "s3:getobject")
	iam.matches("s3:{get,put}object", "s3:{get,put}object")
	not iam.matches("s3:{*", "s3:getobject")
	iam.matches(`s3:get\*`, `s3:get\object`)
	not iam.matches(`s3:get\*`, "s3:get*x")
	iam.matches("s3:get(*", "s3:get(x)")
	not iam.matches("s3:get(*", "s3:getx")
	iam.matches("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${aws:username}/x")
	not iam.matches("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/alice/x")
	iam.matches("a,b*", "a,bc")
	iam.matches("s3:get?bject", "s3:getobject")
	iam.matches("S3:GET*", "s3:getobject")
	not iam.glob_match("Repo:*", "repo:x")
}

test_string_helpers_replace_regex if {
	iam.account_id("123456789012")
	not iam.account_id("12345678901")
	not iam.account_id("1234567890123")
	not iam.account_id("12345678901a")
	not iam.account_id(123456789012)
	iam.digits("500", 1, 6)
	not iam.digits("", 1, 6)
	not iam.digits("1234567", 1, 6)
	not iam.digits("-5", 1, 6)
	iam.only_wildcards("*?*")
	not iam.only_wildcards("")
	not iam.only_wildcards("*a")
	iam.every_role("arn:aws:iam::123456789012:role/*")
	iam.every_role("arn:aws:iam::*:role*")
	not iam.every_role("arn:aws:iam::123456789012:role/app-*")
	not iam.every_role("arn:aws:iam::123456789012:role/*:x")
	iam.wildcard("repo:org/*")
	not iam.wildcard("repo:org/app")
}

test_allows_pairs_each_allow_statement_with_its_policy if {
	p := fx.policy("p", [fx.allow(["s3:GetObject"], ["*"]), fx.deny(["*"], ["*"]), fx.allow(["sqs:*"], ["*"])], {})
	grants := iam.allows with input as fx.input_of("synth", {"policies": [p]})
	[[g.policy.id, g.stmt.actions] | some g in grants] == [[p.id, ["s3:GetObject"]], [p.id, ["sqs:*"]]]
}

test_undenied_holders_leaves_out_whom_a_deny_reaches if {
	allow := fx.policy("allow", [fx.allow(["iam:*"], ["*"])], {})
	guard := fx.policy("guard", [fx.deny(["iam:PassRole"], ["*"])], {})
	guarded := fx.role("guarded", {"policies": [{"policy": allow.id}, {"policy": guard.id}]})
	open := fx.role("open", {"policies": [{"policy": allow.id}]})
	loose := fx.policy("loose", [fx.allow(["iam:*"], ["*"])], {})
	inp := fx.input_of("synth", {"identities": [guarded, open], "policies": [allow, guard, loose]})
	iam.undenied_holders(allow, "iam:passrole", "*") == {open.id} with input as inp
	iam.undenied_holders(allow, "iam:createrole", "*") == {open.id, guarded.id} with input as inp

	# A policy nobody holds is judged on its own, for a null holder.
	iam.undenied_holders(loose, "iam:passrole", "*") == {null} with input as inp
}

test_wildcards_span_dots if {
	iam.matches("arn:aws:s3:::*", "arn:aws:s3:::lab.results.bucket")
	iam.matches("*.amazonaws.com", "states.eu-west-1.amazonaws.com")
	iam.matches("arn:aws:s3:::lab?results", "arn:aws:s3:::lab.results")
}

# Messages name condition keys as written (writtenKey, kept by the loaders when it differs); the
# rules compare the lower-case key.
test_condition_keys_as_written if {
	stmt := {"conditions": [
		{"operator": "StringEquals", "key": "aws:sourcevpce", "writtenKey": "aws:SourceVpce", "values": ["v"]},
		{"operator": "Bool", "key": "aws:securetransport", "values": ["true"]},
	]}
	iam.condition_keys(stmt) == "aws:SourceVpce, aws:securetransport"
	iam.condition_note(stmt) == " (under condition aws:SourceVpce, aws:securetransport)"
}
