package nhi.rules_test.drift_004

import data.nhi.rules.drift_004
import data.nhi.test.drift as dx
import data.nhi.test.fixtures as fx

test_owner_and_expiry_changed_live if {
	g := object.union(fx.governed, {"owner": "someone-else", "expiry": {"raw": "2030-01-01", "valid": true, "daysLeft": 1000}})
	inp := dx.input_of(
		{"identities": [dx.declared_role("etl", {})], "credentials": [dx.declared_secret("hl7", {})]},
		{"identities": [dx.live_role("etl", {"governance": g})], "credentials": [dx.live_secret("hl7", {"governance": object.union(fx.governed, {"dataClass": "internal"})})]},
		{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")], "credentials": [dx.pair("aws_secretsmanager_secret.hl7", "secret:hl7")]},
	)
	fs := drift_004.findings with input as inp
	fs == {
		{"resource": "aws_iam_role.etl", "identity": "aws_iam_role.etl", "message": "role etl: expires-on is \"2030-01-01\" live but \"2027-06-30\" declared; owner is \"someone-else\" live but \"integration-platform\" declared"},
		{"resource": "aws_secretsmanager_secret.hl7", "identity": null, "message": "secret hl7: data-class is \"internal\" live but \"phi\" declared"},
	}
}

test_same_tags_and_other_tags_changed_pass if {
	inp := dx.input_of(
		{"identities": [dx.declared_role("etl", {"tags": {"cost-center": "1"}})]},
		{"identities": [dx.live_role("etl", {"tags": {"cost-center": "2"}})]},
		{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")]},
	)
	count(drift_004.findings) == 0 with input as inp
}
