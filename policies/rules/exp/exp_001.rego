# METADATA
# title: Identity without a valid expiry date
# description: An identity has no expires-on tag, or its value is not a calendar date YYYY-MM-DD.
# custom:
#   id: NHI-EXP-001
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Tag the identity with the date after which it must be gone (tag key "expires-on",
#     YYYY-MM-DD), no further ahead than the maximum lifetime of its identity kind.
#   references:
#     owasp: [NHI1, NHI7]
#     nistCsf: [ID.AM-08, PR.AA-01]
#     hipaa: ["164.308(a)(3)(ii)(C)"]
package nhi.rules.exp_001

import data.nhi.lib

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	not identity.tagsUnknown
	not identity.governance.expiry.raw
	msg := sprintf("%s %s has no \"%s\" tag", [identity.kind, lib.label(identity), lib.config.tagKeys.expiresOn])
}

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	not identity.tagsUnknown
	identity.governance.expiry.raw
	not identity.governance.expiry.valid
	msg := sprintf("%s %s has \"%s\" = \"%s\", which is not a date YYYY-MM-DD", [identity.kind, lib.label(identity), lib.config.tagKeys.expiresOn, identity.governance.expiry.raw])
}
