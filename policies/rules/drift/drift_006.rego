# METADATA
# title: Rotation drift
# description: |
#   A secret is declared with automatic rotation, but live its rotation is disabled (cancelled
#   out of band) or runs on a different interval than declared.
# custom:
#   id: NHI-DRIFT-006
#   severity: high
#   sources: [drift]
#   remediation: >-
#     Re-enable rotation with the declared schedule (terraform apply of the
#     aws_secretsmanager_secret_rotation), check why it was cancelled (a failing rotation Lambda
#     is the usual cause), and rotate the secret now if it is overdue.
#   references:
#     owasp: [NHI7]
#     nistCsf: [PR.AA-01]
#     hipaa: ["164.308(a)(4)", "164.312(d)"]
package nhi.rules.drift_006

import data.nhi.lib
import data.nhi.lib.drift

findings contains lib.finding(d.id, null, msg) if {
	some [d, l] in drift.secret_pairs
	d.rotation.enabled == true
	not object.get(object.get(l, "rotation", {}), "enabled", false)
	msg := sprintf("secret %s: rotation is declared%s but disabled live", [lib.label(d), every_n(d)])
}

findings contains lib.finding(d.id, null, msg) if {
	some [d, l] in drift.secret_pairs
	d.rotation.enabled == true
	l.rotation.enabled == true
	is_number(d.rotation.intervalDays)
	is_number(l.rotation.intervalDays)
	d.rotation.intervalDays != l.rotation.intervalDays
	msg := sprintf("secret %s rotates every %d days live, every %d days declared", [lib.label(d), l.rotation.intervalDays, d.rotation.intervalDays])
}

every_n(d) := sprintf(" every %d days", [d.rotation.intervalDays]) if is_number(d.rotation.intervalDays)

every_n(d) := "" if not is_number(object.get(d.rotation, "intervalDays", null))
