package nhi.rules_test.drift_002

import data.nhi.rules.drift_002
import data.nhi.test.drift as dx

test_declared_role_and_secret_missing_live if {
	inp := dx.input_of({"identities": [dx.declared_role("etl", {})], "credentials": [dx.declared_secret("hl7", {})]}, {}, {})
	{f.resource | some f in drift_002.findings with input as inp} == {"aws_iam_role.etl", "aws_secretsmanager_secret.hl7"}
}

test_matched_unnamed_and_deleted_declarations_pass if {
	unnamed := dx.declared_role("etl", {"name": null})
	deleted := dx.declared_role("old", {"change": "delete"})
	inp := dx.input_of(
		{"identities": [dx.declared_role("lab", {}), unnamed, deleted], "credentials": [dx.declared_secret("hl7", {})]},
		{"identities": [dx.live_role("lab", {})], "credentials": [dx.live_secret("hl7", {})]},
		{
			"identities": [dx.pair("aws_iam_role.lab", "iam-role:lab")],
			"credentials": [dx.pair("aws_secretsmanager_secret.hl7", "secret:hl7")],
			"unnamed": [{"id": "aws_iam_role.etl", "type": "role"}],
		},
	)
	count(drift_002.findings) == 0 with input as inp
}

test_ambiguous_secret_is_not_reported_missing if {
	inp := dx.input_of({"credentials": [dx.declared_secret("hl7", {})]}, {}, {"ambiguous": [{"declared": "aws_secretsmanager_secret.hl7", "live": ["secret:hl7@us-east-1", "secret:hl7@us-west-2"]}]})
	count(drift_002.findings) == 0 with input as inp
}

test_unread_declarations_are_not_reported_missing if {
	inp := dx.input_of(
		{"identities": [dx.declared_role("etl", {})], "credentials": [dx.declared_secret("hl7", {}), dx.declared_secret("lab", {})]},
		{},
		{"unread": [
			{"declared": "aws_iam_role.etl", "gap": "iam GetAccountAuthorizationDetails"},
			{"declared": "aws_secretsmanager_secret.hl7", "gap": "secretsmanager ListSecrets (eu-west-1)"},
		]},
	)
	{f.resource | some f in drift_002.findings with input as inp} == {"aws_secretsmanager_secret.lab"}
}
