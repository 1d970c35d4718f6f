# METADATA
# title: Privilege-escalation action on every resource
# description: |
#   An Allow statement grants, on Resource "*", an IAM action that lets an identity raise its own
#   privileges: iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:Attach{User,Role,Group}Policy,
#   iam:Put{User,Role,Group}Policy, iam:CreateAccessKey, iam:CreateLoginProfile,
#   iam:UpdateLoginProfile, iam:UpdateAssumeRolePolicy, iam:AddUserToGroup, and sts:AssumeRole
#   (every role that trusts the account becomes the holder's). Matched by name,
#   through wildcards ("iam:*", "iam:Put*", "*") or through NotAction, case-insensitively. Each
#   action covered by an unconditioned Deny reaching the same identity is dropped. One finding per
#   statement, naming the actions (and the statement Sid when it has one). NotResource counts as
#   every resource but the listed ones unless it excludes the action's resource types.
#   Beyond IAM actions: iam:PassRole on every role together with lambda:CreateFunction,
#   lambda:UpdateFunctionCode, ec2:RunInstances, glue:CreateDevEndpoint or
#   cloudformation:CreateStack, granted by any policy reaching the same identity.
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
	"sts:AssumeRole",
}

# Actions that start compute with a role of the caller's choosing: with iam:PassRole on every
# role, the holder runs code as any role of the account (the known escalation paths).
launches := {
	"lambda:createfunction": "lambda:CreateFunction",
	"lambda:updatefunctioncode": "lambda:UpdateFunctionCode",
	"ec2:runinstances": "ec2:RunInstances",
	"glue:createdevendpoint": "glue:CreateDevEndpoint",
	"cloudformation:createstack": "cloudformation:CreateStack",
}

# One finding per statement and identity: the IAM escalation actions it grants on every
# resource, and iam:PassRole on every role together with the compute launches that reach the
# same identity (in this policy or another; on any resource: the new function, instance,
# endpoint or stack is the caller's own).
findings contains lib.finding(policy.id, holder, msg) if {
	some grant in iam.allows
	policy := grant.policy
	stmt := grant.stmt
	may_escalate(stmt)
	some holder in iam.holders(policy.id)
	items := array.concat(sort(granted(policy, stmt, holder)), pass_and_launch(policy, stmt, holder))
	count(items) > 0
	msg := sprintf("policy %s%s allows privilege escalation on %s: %s%s", [lib.label(policy), sid(stmt), scope_of(stmt), concat(", ", items), iam.condition_note(stmt)])
}

# Every escalation action, iam:PassRole included, is an IAM or STS action: a statement whose
# Action patterns can match none escalates nothing. The literal start of each pattern (before its
# first wildcard) is tested once per statement, instead of matching every escalation action per
# holder (a quarter of a million glob matches at 10k resources).
may_escalate(stmt) if count(object.get(stmt, "notActions", [])) > 0

may_escalate(stmt) if {
	some p in object.get(stmt, "actions", [])
	start := literal_start(lower(p))
	some svc in ["iam:", "sts:"]
	prefix_compatible(start, svc)
}

prefix_compatible(start, svc) if startswith(start, svc)

prefix_compatible(start, svc) if startswith(svc, start)

literal_start(p) := substring(p, 0, min([i | some i in [indexof(p, "*"), indexof(p, "?"), count(p)]; i >= 0]))

granted(policy, stmt, holder) := {a |
	some a in escalation
	iam.covers_action(stmt, lower(a))
	iam.reaches_every(stmt, lower(a))
	not iam.denied(policy, holder, lower(a), "*")
}

launched(policy, holder) := {name |
	some pid in iam.scope(policy, holder)
	some s in lib.allow_statements(iam.policies_by_id[pid])
	some action, name in launches
	iam.covers_action(s, action)
	not iam.denied(policy, holder, action, "*")
}

pass_and_launch(policy, stmt, holder) := [sprintf("iam:PassRole on every role with %s (runs code as any role)", [concat(", ", sort(names))])] if {
	iam.passes_every_role(stmt)
	not iam.denied(policy, holder, "iam:passrole", "*")
	names := launched(policy, holder)
	count(names) > 0
} else := []

scope_of(stmt) := iam.resource_scope(stmt) if iam.resource_scope(stmt)

scope_of(stmt) := "every role" if not iam.resource_scope(stmt)

sid(stmt) := sprintf(" (statement %s)", [stmt.sid]) if is_string(stmt.sid)

sid(stmt) := "" if not is_string(object.get(stmt, "sid", null))
