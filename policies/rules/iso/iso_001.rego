# METADATA
# title: Prod identity linked to a non-prod account
# description: |
#   An identity tagged environment prod is trusted by an AWS principal of an account that the
#   accounts map (policy data nhi.config.accounts, {"<account id>": "<environment>"}) maps to
#   another environment, or an Allow statement reaching it (directly or through a group) names a
#   resource ARN in such an account. Accounts missing from the map are not judged (the shipped
#   map is empty: it is customer-specific). An unconditioned Deny of the same actions on the same
#   resource entry overrides a grant. "*" and ARNs without an account (S3) name no account.
# custom:
#   id: NHI-ISO-001
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Keep prod identities inside prod: trust and grant only accounts mapped to prod. Give the
#     non-prod workload its own identity in its own account, and copy de-identified data across
#     instead of reaching into prod.
#   references:
#     owasp: [NHI8]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.iso_001

import data.nhi.lib
import data.nhi.lib.iam

accounts := object.get(lib.config, "accounts", {})

# The environment of an account mapped to something other than prod.
non_prod(account) := env if {
	env := accounts[account]
	env != "prod"
}

prod(identity) if identity.governance.environment == "prod"

findings contains lib.finding(identity.id, identity.id, msg) if {
	count(accounts) > 0
	some identity in lib.identities
	prod(identity)
	some stmt in iam.trust_allows(identity)
	some principal in iam.principal_list(stmt, "aws")
	account := iam.account_of(principal)
	env := non_prod(account)
	msg := sprintf("prod %s %s is trusted by %s of account %s, which is mapped to environment %s", [identity.kind, lib.label(identity), principal, account, env])
}

findings contains lib.finding(policy.id, identity.id, msg) if {
	count(accounts) > 0
	some identity in lib.identities
	prod(identity)
	some pid in iam.policy_ids_of(identity)
	policy := iam.policies_by_id[pid]
	some stmt in lib.allow_statements(policy)
	some resource in object.get(stmt, "resources", [])
	not all_denied(policy, identity.id, stmt, resource)
	account := iam.resource_account(resource)
	env := non_prod(account)
	msg := sprintf("policy %s grants prod %s %s access to %s in account %s, which is mapped to environment %s", [lib.label(policy), identity.kind, lib.label(identity), resource, account, env])
}

granted_actions(stmt) := object.get(stmt, "actions", ["*"]) if not is_array(object.get(stmt, "notActions", null))

granted_actions(stmt) := ["*"] if is_array(object.get(stmt, "notActions", null))

all_denied(policy, holder, stmt, resource) if {
	every action in granted_actions(stmt) {
		iam.denied(policy, holder, action, resource)
	}
}
