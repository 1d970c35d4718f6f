package nhi.rules_test.drift_003

import data.nhi.rules.drift_003
import data.nhi.test.drift as dx
import data.nhi.test.fixtures as fx

admin := {"id": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess", "type": "aws-managed", "arn": "arn:aws:iam::aws:policy/AdministratorAccess", "document": {"known": false}, "change": "existing", "origin": {"source": "live"}}

declared_read := fx.policy("read", [fx.allow(["s3:get*"], ["arn:aws:s3:::results/*"])], {"id": "aws_iam_role_policy.read"})

live_read(statements) := fx.policy("read", statements, {"id": "inline:role:etl:read", "change": "existing"})

input_with(live_policies, live_links, policy_pairs) := dx.input_of(
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

	# Every finding is about the identity; the policy is the evidence.
	{f.evidence[0] | some f in fs} == {"inline:role:etl:read", "inline:role:etl:debug", admin.id}
	every g in fs {
		g.resource == "aws_iam_role.etl"
		g.identity == "aws_iam_role.etl"
	}
	some f in fs
	f.evidence == ["inline:role:etl:read"]
	f.message == "policy read of role etl allows s3:putobject on * live, which the declaration does not"
}

test_narrower_live_policy_passes if {
	narrow := live_read([fx.allow(["s3:getobject"], ["arn:aws:s3:::results/2026/*"])])
	inp := input_with([narrow], [{"policy": "inline:role:etl:read"}], [dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")])
	count(drift_003.findings) == 0 with input as inp
}

# The same grant written differently: other case, other order, a single value, a wildcard's expansion.
test_same_grant_written_differently_passes if {
	declared := fx.policy("read", [fx.allow(["s3:getobject", "s3:getobjectversion", "kms:decrypt"], ["arn:aws:s3:::results/*", "arn:aws:kms:us-east-1:111122223333:key/*"])], {"id": "aws_iam_role_policy.read"})
	expanded := [{"action": "kms:Decrypt", "accessLevel": "Write", "wildcardOnly": false}]
	live := live_read([
		fx.with_keys(fx.allow(["kms:decrypt*"], ["arn:aws:kms:us-east-1:111122223333:key/1234"]), {"expandedActions": expanded}),
		fx.allow(["s3:getobjectversion", "s3:getobject"], ["arn:aws:s3:::results/*"]),
	])
	inp := dx.input_of(
		{"identities": [dx.declared_role("etl", {"policies": [{"policy": "aws_iam_role_policy.read"}]})], "policies": [declared]},
		{"identities": [dx.live_role("etl", {"policies": [{"policy": "inline:role:etl:read"}]})], "policies": [live]},
		{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")], "policies": [dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")]},
	)
	count(drift_003.findings) == 0 with input as inp
}

vpce := {"operator": "StringEquals", "key": "aws:sourcevpce", "values": ["vpce-1a2b"]}

conditional_input(live_conditions) := dx.input_of(
	{"identities": [dx.declared_role("etl", {"policies": [{"policy": "aws_iam_role_policy.read"}]})], "policies": [fx.policy("read", [fx.with_keys(fx.allow(["s3:getobject"], ["arn:aws:s3:::results/*"]), {"conditions": [vpce]})], {"id": "aws_iam_role_policy.read"})]},
	{"identities": [dx.live_role("etl", {"policies": [{"policy": "inline:role:etl:read"}]})], "policies": [live_read([fx.with_keys(fx.allow(["s3:getobject"], ["arn:aws:s3:::results/*"]), {"conditions": live_conditions})])]},
	{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")], "policies": [dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")]},
)

test_condition_dropped_or_widened_live if {
	dropped := drift_003.findings with input as conditional_input([])
	{f.message | some f in dropped} == {"policy read of role etl allows s3:getobject on arn:aws:s3:::results/* without the condition aws:sourcevpce live, which the declaration does not"}
	widened := drift_003.findings with input as conditional_input([{"operator": "StringEquals", "key": "aws:sourcevpce", "values": ["vpce-1a2b", "vpce-other"]}])
	count(widened) == 1
}

test_condition_kept_or_narrowed_passes if {
	count(drift_003.findings) == 0 with input as conditional_input([vpce])
	extra := {"operator": "Bool", "key": "aws:securetransport", "values": ["true"]}
	count(drift_003.findings) == 0 with input as conditional_input([{"operator": "stringequals", "key": "aws:sourcevpce", "values": ["vpce-1a2b"]}, extra])
}

test_group_membership_added_live if {
	user_d := dx.declared_role("ci", {"id": "aws_iam_user.ci", "kind": "user", "groups": ["aws_iam_group.readers"]})
	user_l := dx.live_role("ci", {"id": "iam-user:ci", "kind": "user", "groups": ["iam-group:readers", "iam-group:admins"]})
	inp := dx.input_of(
		{"identities": [user_d], "groups": [{"id": "aws_iam_group.readers", "name": "readers", "policies": []}]},
		{"identities": [user_l], "groups": [{"id": "iam-group:readers", "name": "readers", "policies": []}, {"id": "iam-group:admins", "name": "admins", "policies": []}]},
		{"identities": [dx.pair("aws_iam_user.ci", "iam-user:ci")], "groups": [dx.pair("aws_iam_group.readers", "iam-group:readers")]},
	)
	drift_003.findings == {{"resource": "aws_iam_user.ci", "identity": "aws_iam_user.ci", "evidence": ["iam-group:admins"], "message": "user ci is a member of group admins live, which the declaration does not add"}} with input as inp
}

test_policy_attached_live_to_a_declared_group if {
	inp := dx.input_of(
		{"groups": [{"id": "aws_iam_group.readers", "name": "readers", "policies": [{"policy": "aws_iam_group_policy.read"}]}], "policies": [fx.policy("read", [], {"id": "aws_iam_group_policy.read"})]},
		{"groups": [{"id": "iam-group:readers", "name": "readers", "policies": [{"policy": "inline:group:readers:read"}, {"policy": admin.id}]}], "policies": [fx.policy("read", [], {"id": "inline:group:readers:read"}), admin]},
		{"groups": [dx.pair("aws_iam_group.readers", "iam-group:readers")], "policies": [dx.pair("aws_iam_group_policy.read", "inline:group:readers:read")]},
	)
	drift_003.findings == {{"resource": "aws_iam_group.readers", "identity": null, "evidence": [admin.id], "message": "group readers has AWS managed policy AdministratorAccess live, which the declaration does not attach"}} with input as inp
}

# Messages name actions as the live document spells them; the comparison ignores case.
test_messages_keep_the_live_spelling_of_actions if {
	spelled := fx.with_keys(fx.allow(["s3:getobject", "s3:putobject"], ["arn:aws:s3:::results/*"]), {"writtenActions": ["S3:GetObject", "s3:PutObject"]})
	inp := input_with([live_read([spelled])], [{"policy": "inline:role:etl:read"}], [dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")])
	fs := drift_003.findings with input as inp
	{f.message | some f in fs} == {"policy read of role etl allows s3:PutObject on arn:aws:s3:::results/* live, which the declaration does not"}

	not_action := fx.with_keys(fx.allow_not(["iam:*", "sts:*"], ["*"], []), {"writtenNotActions": ["IAM:*", "sts:*"]})
	fs2 := drift_003.findings with input as input_with([live_read([not_action])], [{"policy": "inline:role:etl:read"}], [dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")])
	{f.message | some f in fs2} == {"policy read of role etl allows NotAction IAM:*,sts:* live, which the declaration does not"}
}

# --- Deny statements: removing one widens what the identity may do ---------------------------

guarded_read := fx.policy("read", [fx.allow(["s3:get*"], ["arn:aws:s3:::results/*"]), fx.deny(["s3:getobject"], ["arn:aws:s3:::results/restricted/*"])], {"id": "aws_iam_role_policy.read"})

deny_input(live_statements, live_links, pairs) := dx.input_of(
	{"identities": [dx.declared_role("etl", {"policies": [{"policy": "aws_iam_role_policy.read"}]})], "policies": [guarded_read]},
	{"identities": [dx.live_role("etl", {"policies": live_links})], "policies": [live_read(live_statements)]},
	{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")], "policies": pairs},
)

read_pair := [dx.pair("aws_iam_role_policy.read", "inline:role:etl:read")]

read_link := [{"policy": "inline:role:etl:read"}]

test_deny_removed_live_is_drift_on_the_identity if {
	fs := drift_003.findings with input as deny_input([fx.allow(["s3:get*"], ["arn:aws:s3:::results/*"])], read_link, read_pair)
	fs == {{
		"resource": "aws_iam_role.etl", "identity": "aws_iam_role.etl", "evidence": ["inline:role:etl:read"],
		"message": "policy read of role etl no longer denies s3:getobject on arn:aws:s3:::results/restricted/* live, which the declaration denies",
		# SARIF points at the declared Deny statement (statement 1 of the declared policy).
		"location": "aws_iam_role_policy.read", "statement": 1,
	}}
}

test_deny_narrowed_by_a_condition_live_is_drift if {
	narrowed := fx.with_keys(fx.deny(["s3:getobject"], ["arn:aws:s3:::results/restricted/*"]), {"conditions": [{"operator": "StringEquals", "key": "aws:sourcevpce", "values": ["vpce-1"]}]})
	fs := drift_003.findings with input as deny_input([fx.allow(["s3:get*"], ["arn:aws:s3:::results/*"]), narrowed], read_link, read_pair)
	count(fs) == 1
}

# The look-alikes: the Deny kept (written with a wider pattern), or widened live.
test_deny_kept_or_widened_live_passes if {
	wider := fx.deny(["s3:get*"], ["arn:aws:s3:::results/*"])
	count(drift_003.findings) == 0 with input as deny_input([fx.allow(["s3:get*"], ["arn:aws:s3:::results/*"]), wider], read_link, read_pair)
}

test_declared_deny_policy_detached_live_is_drift if {
	fs := drift_003.findings with input as deny_input([fx.allow(["s3:get*"], ["arn:aws:s3:::results/*"])], [], [])
	{[f.evidence[0], f.message] | some f in fs} == {["aws_iam_role_policy.read", "policy read of role etl is not attached live, so its Deny of s3:getobject on arn:aws:s3:::results/restricted/* no longer applies"]}
}

test_declared_allow_only_policy_detached_live_is_not_this_finding if {
	inp := input_with([], [], [])
	count(drift_003.findings) == 0 with input as inp
}

# --- a plan that states only the reference: V is open below (V, V/*, V:*), not "contains V" ----

open_read := fx.policy("read", [fx.with_keys(fx.allow(["s3:getobject"], ["arn:aws:s3:::stmary-lab"]), {"referenceResources": ["arn:aws:s3:::stmary-lab"]})], {"id": "aws_iam_role_policy.read"})

open_input(live_resources) := dx.input_of(
	{"identities": [dx.declared_role("etl", {"policies": [{"policy": "aws_iam_role_policy.read"}]})], "policies": [open_read]},
	{"identities": [dx.live_role("etl", {"policies": [{"policy": "inline:role:etl:read"}]})], "policies": [live_read([fx.allow(["s3:getobject"], live_resources)])]},
	{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")], "policies": read_pair},
)

test_open_reference_covers_what_it_may_stand_for if {
	count(drift_003.findings) == 0 with input as open_input(["arn:aws:s3:::stmary-lab", "arn:aws:s3:::stmary-lab/*", "arn:aws:s3:::stmary-lab/2026/q4.hl7"])
}

test_widened_resource_that_still_contains_the_value_is_drift if {
	fs := drift_003.findings with input as open_input(["arn:aws:s3:::stmary-lab*", "arn:aws:s3:::stmary-lab-archive/*"])
	some f in fs
	f.message == "policy read of role etl allows s3:getobject on arn:aws:s3:::stmary-lab*; s3:getobject on arn:aws:s3:::stmary-lab-archive/* live, which the declaration does not"
}

# Where a widened policy's finding points: the declared statement of the same Sid, or the one
# whose condition the live statement drops; the policy's block when no statement says.
test_widened_policy_points_at_the_declared_statement if {
	declared := fx.policy("read", [fx.allow(["logs:putlogevents"], ["*"]), fx.with_keys(fx.allow(["s3:getobject"], ["arn:aws:s3:::results/*"]), {"sid": "Results"})], {"id": "aws_iam_role_policy.read"})
	widened := live_read([fx.allow(["logs:putlogevents"], ["*"]), fx.with_keys(fx.allow(["s3:getobject"], ["arn:aws:s3:::results*"]), {"sid": "Results"})])
	inp := dx.input_of(
		{"identities": [dx.declared_role("etl", {"policies": [{"policy": "aws_iam_role_policy.read"}]})], "policies": [declared]},
		{"identities": [dx.live_role("etl", {"policies": read_link})], "policies": [widened]},
		{"identities": [dx.pair("aws_iam_role.etl", "iam-role:etl")], "policies": read_pair},
	)
	{[f.location, f.statement] | some f in drift_003.findings with input as inp} == {["aws_iam_role_policy.read", 1]}
}

test_widened_policy_without_a_related_statement_points_at_the_policy if {
	wide := live_read([fx.allow(["s3:getobject"], ["arn:aws:s3:::results/*"]), fx.allow(["s3:putobject"], ["*"])])
	inp := input_with([wide], read_link, read_pair)
	some f in drift_003.findings with input as inp
	f.location == "aws_iam_role_policy.read"
	not f.statement
}
