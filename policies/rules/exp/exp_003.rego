# METADATA
# title: Expiry beyond the maximum lifetime
# description: |
#   The identity's expires-on date is further from now than the maximum lifetime of its
#   identity-kind (policy data maxLifetimeDays). An identity-kind without a configured lifetime
#   is not judged here (NHI-OWN-003 reports a missing or invalid kind).
# custom:
#   id: NHI-EXP-003
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Set expires-on no further ahead than the maximum lifetime of the identity kind (vendor 90
#     days, others 365 by default) and renew it through review.
#   references:
#     owasp: [NHI1, NHI7]
#     nistCsf: [ID.AM-08]
#     hipaa: ["164.308(a)(3)(ii)(C)"]
package nhi.rules.exp_003

import data.nhi.lib

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	not identity.tagsUnknown
	identity.governance.expiry.valid
	kind := identity.governance.identityKind
	allowed := lib.config.maxLifetimeDays[kind]
	days := identity.governance.expiry.daysLeft
	days > allowed
	msg := sprintf("%s %s expires on %s, %d days from now: more than the %d-day maximum for identity-kind %s", [identity.kind, lib.label(identity), identity.governance.expiry.raw, days, allowed, kind])
}
