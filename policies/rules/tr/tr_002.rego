# METADATA
# title: Cross-account trust without an external id
# description: |
#   A role's trust policy lets an AWS principal of another account assume it (account root, role
#   or user ARN, or a bare account id) without an sts:ExternalId condition (positive operator, not
#   a bare "*"). The own account is inventory.accountId, else the accounts in the identities' ARNs.
#   Decision: when neither is known (synth of a stack without a fixed account), every literal
#   account principal is treated as another account and the message says so. "*" is NHI-TR-001.
# custom:
#   id: NHI-TR-002
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Add a StringEquals condition on sts:ExternalId with the value agreed with the other party
#     (unique per customer), or trust a specific role ARN of the other account.
#   references:
#     owasp: [NHI3, NHI4]
#     nistCsf: [PR.AA-03, PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(d)"]
package nhi.rules.tr_002

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	some stmt in iam.trust_allows(identity)
	not external_id(stmt)
	some principal in iam.principal_list(stmt, "aws")
	account := iam.account_of(principal)
	not account in iam.own_accounts
	msg := sprintf("%s %s trusts %s of account %s%s without an sts:ExternalId condition", [identity.kind, lib.label(identity), principal, account, which_account])
}

which_account := "" if iam.own_account_known

which_account := " (the inventory's own account is unknown, so it counts as another account)" if not iam.own_account_known

external_id(stmt) if {
	some c in stmt.conditions
	c.key == "sts:externalid"
	iam.restricts(c)
}
