package nhi.rules_test.drift_007

import data.nhi.rules.drift_007
import data.nhi.test.drift as dx

external_id := {"operator": "StringEquals", "key": "sts:externalid", "values": ["meridian-7f3a"]}

trust(statements) := {"known": true, "document": {"statements": statements}}

assume(principals, conditions) := {"effect": "Allow", "actions": ["sts:assumerole"], "principals": principals, "conditions": conditions}

declared := dx.declared_role("vendor", {"trust": trust([assume({"aws": ["444455556666"]}, [external_id])])})

input_with(live_statements) := dx.input_of(
	{"identities": [declared]},
	{"identities": [dx.live_role("vendor", {"trust": trust(live_statements)})]},
	{"identities": [dx.pair("aws_iam_role.vendor", "iam-role:vendor")]},
)

test_foreign_account_added_live if {
	inp := input_with([
		assume({"aws": ["arn:aws:iam::444455556666:root"]}, [external_id]),
		assume({"aws": ["arn:aws:iam::999988887777:root"]}, []),
	])
	drift_007.findings == {{
		"resource": "aws_iam_role.vendor",
		"identity": "aws_iam_role.vendor",
		"evidence": ["iam-role:vendor"],
		"message": "role vendor: the live trust policy admits AWS arn:aws:iam::999988887777:root to sts:assumerole, which the declaration does not",
	}} with input as inp
}

test_condition_removed_or_any_principal_live if {
	fs := drift_007.findings with input as input_with([assume({"aws": ["arn:aws:iam::444455556666:root"]}, [])])
	{f.message | some f in fs} == {"role vendor: the live trust policy admits AWS arn:aws:iam::444455556666:root without the condition sts:externalid, which the declaration does not"}
	anyone := drift_007.findings with input as input_with([assume({"any": true, "aws": ["*"]}, [external_id])])
	{f.message | some f in anyone} == {"role vendor: the live trust policy admits any principal (*) to sts:assumerole, which the declaration does not"}
}

test_same_trust_written_differently_or_narrower_passes if {
	# The account id declared, its root ARN live; the action in another case; an extra condition.
	mfa := {"operator": "Bool", "key": "aws:multifactorauthpresent", "values": ["true"]}
	inp := input_with([{
		"effect": "Allow",
		"actions": ["sts:assumerole"],
		"principals": {"aws": ["arn:aws:iam::444455556666:root"]},
		"conditions": [{"operator": "stringequals", "key": "sts:externalid", "values": ["meridian-7f3a"]}, mfa],
	}])
	count(drift_007.findings) == 0 with input as inp
}

test_resolved_pattern_and_unknown_declared_trust_pass if {
	# A declared reference that stayed a pattern of its type admits what it matches.
	pattern := dx.declared_role("ci", {"trust": trust([assume({"aws": ["arn:aws:iam::111122223333:role/*"]}, [])])})
	unknown := dx.declared_role("etl", {"trust": {"known": false, "reason": "known only after apply"}})
	inp := dx.input_of(
		{"identities": [pattern, unknown]},
		{"identities": [
			dx.live_role("ci", {"trust": trust([assume({"aws": ["arn:aws:iam::111122223333:role/deployer"]}, [])])}),
			dx.live_role("etl", {"trust": trust([assume({"aws": ["arn:aws:iam::999988887777:root"]}, [])])}),
		]},
		{"identities": [dx.pair("aws_iam_role.ci", "iam-role:ci"), dx.pair("aws_iam_role.etl", "iam-role:etl")]},
	)
	count(drift_007.findings) == 0 with input as inp
}

test_message_keeps_the_live_spelling_of_the_action if {
	spelled := object.union(assume({"aws": ["arn:aws:iam::999988887777:root"]}, []), {"writtenActions": ["sts:AssumeRole"]})
	fs := drift_007.findings with input as input_with([assume({"aws": ["arn:aws:iam::444455556666:root"]}, [external_id]), spelled])
	{f.message | some f in fs} == {"role vendor: the live trust policy admits AWS arn:aws:iam::999988887777:root to sts:AssumeRole, which the declaration does not"}
}
