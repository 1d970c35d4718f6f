# METADATA
# title: Transitive PHI reach
# description: |
#   An identity not classified phi reaches a data store of data-class phi through a role chain
#   (sts:AssumeRole allowed by its own policy and admitted by the trust policy of the role, to any
#   depth) or through a resource policy (an S3 bucket, KMS key or Secrets Manager policy that
#   names it). NHI-LP-008 judges the identity's own policies; this rule sees the reach that no
#   single policy shows. Principals of other accounts, anyone admitted by `*`, and principals
#   the inputs do not resolve (a reference to a data source, a variable or a role declared
#   elsewhere, or an entry that is no ARN) are never classified phi; principals of the own
#   account that are not in the input are left to the input that declares them. Reaches are computed in TypeScript (checks/access/) with Deny
#   statements, permissions boundaries and KMS key policies applied. A dormant live identity is
#   named as such. The finding is about an identity of the input: the principal, or for a
#   principal from outside the input the first role of the chain whose trust admits it; only an
#   outsider named by a store's resource policy is reported on the store (its owner tag).
# custom:
#   id: NHI-LP-010
#   severity: high
#   sources: [synth, plan, state, live, drift]
#   remediation: >-
#     Remove the hop that is not needed (the sts:AssumeRole grant, the trust statement or the
#     resource-policy statement), or classify and govern the identity as data-class phi (owner,
#     expiry, 30-day rotation). Offboard dormant identities that still reach PHI.
#   references:
#     owasp: [NHI5, NHI3]
#     nistCsf: [PR.AA-05, DE.CM-09]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_010

import data.nhi.lib
import data.nhi.lib.access

# Not classified phi: an identity of the input with another data class (or none), or a principal
# of another account, or anyone.
not_phi(pid) := sprintf("data-class %s", [i.governance.dataClass]) if {
	i := access.identity_by_id[pid]
	not object.get(i, "tagsUnknown", false)
	i.governance.dataClass != "phi"
}

not_phi(pid) := "no data-class" if {
	i := access.identity_by_id[pid]
	not object.get(i, "tagsUnknown", false)
	not i.governance.dataClass
}

not_phi(pid) := "another account" if {
	p := access.principal_by_id[pid]
	not p.kind in {"any", "unresolved"}
	not p.ownAccount
}

# Named by a reference to no identity of the inputs (a data source, a variable, a role declared
# elsewhere) or by an entry that is no ARN: nothing says it is governed as phi, or in which account.
not_phi(pid) := "no data-class known" if access.principal_by_id[pid].kind == "unresolved"

not_phi(pid) := "any principal" if access.principal_by_id[pid].kind == "any"

# The finding is about an identity of the input: the principal itself, or (for a principal from
# outside the input) the first role of the chain it assumes, whose trust policy admits it. Only a
# reach through a resource policy by an outsider is about the store (and its owner).
subject(r) := r.principal if access.identity_by_id[r.principal]

subject(r) := first_inner_role(r) if {
	not access.identity_by_id[r.principal]
	first_inner_role(r)
}

subject(r) := r.store if {
	not access.identity_by_id[r.principal]
	not first_inner_role(r)
}

first_inner_role(r) := roles[0] if {
	r.via == "role-chain"
	roles := [x | some x in r.chain; access.identity_by_id[x]]
	count(roles) > 0
}

identity_of(r) := s if {
	s := subject(r)
	access.identity_by_id[s]
} else := null

findings contains lib.finding(subject(r), identity_of(r), msg) if {
	some r in access.facts.indirect
	access.store_by_id[r.store].dataClass == "phi"
	why := not_phi(r.principal)
	msg := sprintf("%s (%s)%s reaches data-class phi store %s (%s) %s", [
		access.label(r.principal), why, access.dormant_note(r.principal),
		access.store_label(r.store), access.levels_text(r), access.route(r),
	])
}
