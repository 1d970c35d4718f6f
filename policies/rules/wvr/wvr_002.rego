# METADATA
# title: Waiver malformed or longer than allowed
# description: |
#   A waiver that misses a field (ruleId, resource, owner, reason, expires-on), has a field of the
#   wrong type or a date that is not a real date, gives a reason shorter than the minimum, names
#   no rule of the pack, or expires further ahead than the waiver maximum length. It is ignored.
# custom:
#   id: NHI-WVR-002
#   severity: medium
#   voidsWaivers: true
#   sources: [synth, plan, state, live, drift]
#   remediation: >-
#     Complete the waiver: ruleId of a rule in the pack, resource (address, ARN or glob), owner, a
#     reason that explains the risk accepted, and expires-on no more than the waiver maximum
#     length (90 days by default) ahead.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08]
#     hipaa: ["164.308(a)(4)"]
package nhi.rules.wvr_002

import data.nhi.lib

# RULES.md: a waiver gives its reason in at least 10 characters (policy data, like the maximum length).
min_reason := lib.config.waiverMinReasonChars

max_days := lib.config.waiverMaxDays

known_rules contains m.id if some m in data.nhi.meta

problems(w) := w.problems if count(w.problems) > 0

problems(w) := array.concat(
	[sprintf("reason is shorter than %d characters", [min_reason]) | count(w.reason) < min_reason],
	array.concat(
		[sprintf("expires-on %s is %d days ahead, more than the maximum of %d", [w.expiresOn, w.daysLeft, max_days]) | w.daysLeft > max_days],
		[sprintf("rule %s is not in the pack", [w.ruleId]) | not w.ruleId in known_rules],
	),
) if count(w.problems) == 0

findings contains lib.finding(w.id, null, msg) if {
	some w in input.waivers
	ps := problems(w)
	count(ps) > 0
	msg := sprintf("waiver is ignored: %s", [concat("; ", ps)])
}
