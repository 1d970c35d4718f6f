# METADATA
# title: Unknown until apply
# description: |
#   A policy or trust document, the tags, or the link between a policy and its identity is known
#   only after apply. Rules that need it cannot decide at plan time; the post-apply state or
#   drift run settles it. One finding per unknown, so nothing is silently passed.
# custom:
#   id: NHI-UNK-001
#   severity: info
#   sources: [plan]
#   remediation: >-
#     Run nhi-guard on the state after apply (or a drift run) to judge what the plan could not.
#     Where possible, write the document with literal values so the plan can be judged.
#   references:
#     owasp: [NHI6]
#     nistCsf: [DE.CM-09, ID.AM-08]
#     hipaa: ["164.312(b)"]
package nhi.rules.unk_001

import data.nhi.lib

findings contains lib.finding(u.id, null, msg) if {
	some u in input.inventory.unknowns
	msg := sprintf("%s unknown until apply: %s; rules that need it cannot decide at plan time", [u.what, u.detail])
}
