# METADATA
# title: Waiver expired
# description: |
#   A waiver whose expires-on date has passed. It no longer suppresses anything: the findings it
#   covered count again. A malformed waiver is NHI-WVR-002 instead.
# custom:
#   id: NHI-WVR-001
#   severity: medium
#   voidsWaivers: true
#   sources: [synth, plan, state, live, drift]
#   remediation: >-
#     Fix what the waiver covered, or renew the waiver with a new expires-on (at most the waiver
#     maximum length ahead) after its owner has reviewed the risk again.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08]
#     hipaa: ["164.308(a)(4)"]
package nhi.rules.wvr_001

import data.nhi.lib

findings contains lib.finding(w.id, null, msg) if {
	some w in input.waivers
	count(w.problems) == 0
	w.daysLeft < 0
	msg := sprintf("waiver of %s for %s (owner %s) expired on %s, %d days ago; it no longer suppresses anything", [w.ruleId, w.resource, w.owner, w.expiresOn, 0 - w.daysLeft])
}
