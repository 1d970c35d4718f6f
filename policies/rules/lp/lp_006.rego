# METADATA
# title: Privilege-escalation action on every resource
# description: |
#   An Allow statement grants, on Resource "*", an IAM action that lets an identity raise its own
#   privileges: iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:Attach{User,Role,Group}Policy,
#   iam:Put{User,Role,Group}Policy, iam:CreateAccessKey, iam:CreateLoginProfile,
#   iam:UpdateLoginProfile, iam:UpdateAssumeRolePolicy, iam:AddUserToGroup. Matched by name,
#   through wildcards ("iam:*", "iam:Put*", "*") or through NotAction, case-insensitively. Each
#   action covered by an unconditioned Deny reaching the same identity is dropped. One finding per
#   statement, naming the actions (and the statement Sid when it has one).
# custom:
#   id: NHI-LP-006
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Remove these actions from workload identities; if one is truly needed, scope it to the
#     specific user, role, group or policy ARN and guard it with a permissions boundary.
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_006

import data.nhi.lib
import data.nhi.lib.iam

escalation := {
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy",
	"iam:PutUserPolicy", "iam:PutRolePolicy", "iam:PutGroupPolicy",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup",
}

findings contains lib.finding(policy.id, holder, msg) if {
	some policy in lib.policies
	some stmt in lib.allow_statements(policy)
	some holder in iam.holders(policy.id)
	granted := {a |
		some a in escalation
		iam.covers_action(stmt, lower(a))
		iam.reaches_every(stmt, lower(a))
		not iam.denied(policy, holder, lower(a), "*")
	}
	count(granted) > 0
	msg := sprintf("policy %s%s allows privilege escalation on %s: %s%s", [lib.label(policy), sid(stmt), iam.resource_scope(stmt), concat(", ", sort(granted)), iam.condition_note(stmt)])
}

sid(stmt) := sprintf(" (statement %s)", [stmt.sid]) if is_string(stmt.sid)

sid(stmt) := "" if not is_string(object.get(stmt, "sid", null))
