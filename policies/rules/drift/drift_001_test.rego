package nhi.rules_test.drift_001

import data.nhi.rules.drift_001
import data.nhi.test.drift as dx

test_unmatched_live_role_user_key_and_secret_are_shadows if {
	user := dx.live_role("shadow", {"id": "iam-user:shadow", "kind": "user"})
	key := {"id": "access-key:AKIASHADOW", "kind": "access-key", "name": "AKIASHADOW", "identity": "iam-user:shadow", "tags": {}, "status": "Active", "change": "existing", "origin": {"source": "live"}}
	inp := dx.input_of({}, {"identities": [user, dx.live_role("etl", {})], "credentials": [key, dx.live_secret("stray", {})]}, {})
	ids := {f.resource | some f in drift_001.findings with input as inp}
	ids == {"iam-user:shadow", "iam-role:etl", "access-key:AKIASHADOW", "secret:stray"}
}

test_matched_service_linked_and_exempt_paths_pass if {
	slr := dx.live_role("AWSServiceRoleForSupport", {"path": "/aws-service-role/support.amazonaws.com/"})
	reserved := dx.live_role("AWSReservedSSO_Admin", {"path": "/service-role/aws-reserved/sso.amazonaws.com/"})
	inp := dx.input_of(
		{"identities": [dx.declared_role("etl", {})]},
		{"identities": [dx.live_role("etl", {}), slr, reserved]},
		{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")]},
	)
	count(drift_001.findings) == 0 with input as inp
}

test_unnamed_declarations_are_noted_not_hidden if {
	inp := dx.input_of({}, {"identities": [dx.live_role("etl-20261122", {})]}, {"unnamed": [{"id": "aws_iam_role.etl", "type": "role"}]})
	some f in drift_001.findings with input as inp
	contains(f.message, "1 declared role(s) get their name only at apply")
}

# A region-less declaration whose name two regions have: both candidates are named with the note.
test_secret_of_an_ambiguous_declaration_is_noted if {
	east := dx.live_secret("hl7", {"id": "secret:hl7@us-east-1"})
	west := dx.live_secret("hl7", {"id": "secret:hl7@us-west-2"})
	inp := dx.input_of({"credentials": [dx.declared_secret("hl7", {})]}, {"credentials": [east, west]}, {"ambiguous": [{"declared": "aws_secretsmanager_secret.hl7", "live": ["secret:hl7@us-east-1", "secret:hl7@us-west-2"]}]})
	fs := drift_001.findings with input as inp
	{f.resource | some f in fs} == {"secret:hl7@us-east-1", "secret:hl7@us-west-2"}
	every f in fs {
		contains(f.message, "declared secret aws_secretsmanager_secret.hl7 has this name but no known region, and 2 regions have the name")
	}
}

# The look-alike: the declaration was matched to one region, so only the other is a shadow, without the note.
test_secret_matched_in_its_region_leaves_the_other_region_a_plain_shadow if {
	east := dx.live_secret("hl7", {"id": "secret:hl7@us-east-1"})
	west := dx.live_secret("hl7", {"id": "secret:hl7@us-west-2"})
	inp := dx.input_of({"credentials": [dx.declared_secret("hl7", {})]}, {"credentials": [east, west]}, {"credentials": [dx.pair("aws_secretsmanager_secret.hl7", "secret:hl7@us-east-1")]})
	fs := drift_001.findings with input as inp
	{[f.resource, contains(f.message, "no known region")] | some f in fs} == {["secret:hl7@us-west-2", false]}
}
