# METADATA
# title: Human use of a non-human identity
# description: |
#   A role tagged identity-kind service, automation or vendor can be assumed by IAM users or by
#   the root principal (any user or role with sts:AssumeRole) of its own account. A root
#   principal restricted by an aws:PrincipalArn or aws:PrincipalTag/* condition is not reported.
#   Decision: when the own account is unknown (see NHI-TR-002), user principals are still reported
#   and root principals are left to NHI-TR-002.
# custom:
#   id: NHI-TR-005
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Trust only the workload principal (service, OIDC provider or a specific role ARN). People
#     who need the access get their own human role through the identity provider.
#   references:
#     owasp: [NHI10]
#     nistCsf: [PR.AA-01, PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(d)"]
package nhi.rules.tr_005

import data.nhi.lib
import data.nhi.lib.iam

non_human := {"service", "automation", "vendor"}

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	identity.governance.identityKind in non_human
	some stmt in iam.trust_allows(identity)
	some principal in iam.principal_list(stmt, "aws")
	what := human_entry(principal, stmt)
	msg := sprintf("%s identity %s %s is assumable by %s %s", [identity.governance.identityKind, identity.kind, lib.label(identity), what, principal])
}

human_entry(principal, _) := "the IAM user" if {
	parts := split(principal, ":")
	count(parts) >= 6
	parts[0] == "arn"
	parts[1] != ""
	parts[2] == "iam"
	parts[3] == ""
	iam.account_id(parts[4])
	startswith(parts[5], "user/")
	same_or_unknown(iam.account_of(principal))
}

human_entry(principal, stmt) := "the account root (any user) of its own account:" if {
	root(principal)
	iam.account_of(principal) in iam.own_accounts
	not narrowed(stmt)
}

root(principal) if iam.account_id(principal)

root(principal) if {
	parts := split(principal, ":")
	count(parts) == 6
	parts[0] == "arn"
	parts[1] != ""
	parts[2] == "iam"
	parts[3] == ""
	iam.account_id(parts[4])
	parts[5] == "root"
}

same_or_unknown(account) if account in iam.own_accounts

same_or_unknown(_) if not iam.own_account_known

narrowed(stmt) if {
	some c in stmt.conditions
	narrowing_key(c.key)
	iam.restricts(c)
}

narrowing_key("aws:principalarn")

narrowing_key(key) if startswith(key, "aws:principaltag/")
