# METADATA
# title: Expired identity still present
# description: The identity's expires-on date is in the past, yet it still exists or is still declared.
# custom:
#   id: NHI-EXP-002
#   severity: critical
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Offboard the identity (remove the declaration, delete its keys and secrets), or, if it is
#     still needed, renew it: a new expires-on with its owner's approval and ticket.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08, PR.AA-01]
#     hipaa: ["164.308(a)(3)(ii)(C)"]
package nhi.rules.exp_002

import data.nhi.lib

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	identity.governance.expiry.valid
	days := identity.governance.expiry.daysLeft
	days < 0
	msg := sprintf("%s %s expired on %s (%d days ago) and %s", [identity.kind, lib.label(identity), identity.governance.expiry.raw, 0 - days, lib.presence])
}
