package nhi.rules_test.drift_003

import data.nhi.rules.drift_003
import data.nhi.test.drift as dx
import data.nhi.test.fixtures as fx

admin := {"id": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess", "type": "aws-managed", "arn": "arn:aws:iam::aws:policy/AdministratorAccess", "document": {"known": false}, "change": "existing", "origin": {"source": "live"}}

declared_read := fx.policy("read", [fx.allow(["s3:get*"], ["arn:aws:s3:::results/*"])], {"id": "aws_iam_role_policy.read"})

live_read(statements) := fx.policy("read", statements, {"id": "inline:role:etl:read", "change": "existing"})

input_with(live_policies, live_links, policy_pairs) := dx.drift_input(
	{"identities": [dx.declared_role("etl", {"policies": [{"policy": "aws_iam_role_policy.read"}]})], "policies": [declared_read]},
	{"identities": [dx.live_role("etl", {"policies": live_links})], "policies": live_policies},
	{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")], "policies": policy_pairs},
)

test_out_of_band_attachment_and_widened_inline_policy if {
	wide := live_read([fx.allow(["s3:getobject"], ["arn:aws:s3:::results/*"]), fx.allow(["s3:putobject"], ["*"])])
	extra := fx.policy("debug", [fx.allow(["*"], ["*"])], {"id": "inline:role:etl:debug", "change": "existing"})
	inp := input_with(
		[wide, extra, admin],
		[{"policy": "inline:role:etl:read"}, {"policy": "inline:role:etl:debug"}, {"policy": admin.id}],
		[dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")],
	)
	fs := drift_003.findings with input as inp
	{f.resource | some f in fs} == {"inline:role:etl:read", "inline:role:etl:debug", admin.id}
	some f in fs
	f.resource == "inline:role:etl:read"
	f.message == "policy read of role etl allows s3:putobject on * live, which the declaration does not"
	every g in fs { g.identity == "aws_iam_role.etl" }
}

test_narrower_live_policy_passes if {
	narrow := live_read([fx.allow(["s3:getobject"], ["arn:aws:s3:::results/2026/*"])])
	inp := input_with([narrow], [{"policy": "inline:role:etl:read"}], [dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")])
	count(drift_003.findings) == 0 with input as inp
}

test_group_membership_added_live if {
	user_d := dx.declared_role("ci", {"id": "aws_iam_user.ci", "kind": "user", "groups": ["aws_iam_group.readers"]})
	user_l := dx.live_role("ci", {"id": "iam-user:ci", "kind": "user", "groups": ["iam-group:readers", "iam-group:admins"]})
	inp := dx.drift_input(
		{"identities": [user_d], "groups": [{"id": "aws_iam_group.readers", "name": "readers", "policies": []}]},
		{"identities": [user_l], "groups": [{"id": "iam-group:readers", "name": "readers", "policies": []}, {"id": "iam-group:admins", "name": "admins", "policies": []}]},
		{"identities": [dx.pair("aws_iam_user.ci", "iam-user:ci")], "groups": [dx.pair("aws_iam_group.readers", "iam-group:readers")]},
	)
	drift_003.findings == {{"resource": "iam-group:admins", "identity": "aws_iam_user.ci", "message": "user ci is a member of group admins live, which the declaration does not add"}} with input as inp
}

test_policy_attached_live_to_a_declared_group if {
	inp := dx.drift_input(
		{"groups": [{"id": "aws_iam_group.readers", "name": "readers", "policies": [{"policy": "aws_iam_group_policy.read"}]}], "policies": [fx.policy("read", [], {"id": "aws_iam_group_policy.read"})]},
		{"groups": [{"id": "iam-group:readers", "name": "readers", "policies": [{"policy": "inline:group:readers:read"}, {"policy": admin.id}]}], "policies": [fx.policy("read", [], {"id": "inline:group:readers:read"}), admin]},
		{"groups": [dx.pair("aws_iam_group.readers", "iam-group:readers")], "policies": [dx.pair("aws_iam_group_policy.read", "inline:group:readers:read")]},
	)
	drift_003.findings == {{"resource": admin.id, "identity": null, "message": "group readers has AWS managed policy AdministratorAccess live, which the declaration does not attach"}} with input as inp
}
