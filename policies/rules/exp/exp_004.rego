# METADATA
# title: Identity expiring soon
# description: |
#   The identity's expires-on date is today or within the expiring-soon window (policy data
#   expiringSoonDays): renew it with review, or offboard it. A date already past is NHI-EXP-002.
# custom:
#   id: NHI-EXP-004
#   severity: low
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Ask the owner to decide now: renew (new expires-on with approval and ticket) or plan the
#     offboarding before the date.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08]
#     hipaa: ["164.308(a)(3)(ii)(C)"]
package nhi.rules.exp_004

import data.nhi.lib

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	not identity.tagsUnknown
	identity.governance.expiry.valid
	days := identity.governance.expiry.daysLeft
	days >= 0
	days <= lib.config.expiringSoonDays
	msg := sprintf("%s %s expires on %s, in %d day(s) (window %d days): renew or offboard it", [identity.kind, lib.label(identity), identity.governance.expiry.raw, days, lib.config.expiringSoonDays])
}
