# METADATA
# title: Unknown until apply
# description: |
#   A policy or trust document, the tags, or the link between a policy and its identity is known
#   only after apply. Rules that need it cannot decide at plan time; the post-apply state or
#   drift run settles it. One finding per unknown, so nothing is silently passed. This includes
#   the resource policy of a data store of data-class phi or pii (bucket or secret policy) and
#   the key policy of the KMS key that gates reading it: the PHI access map cannot tell whom they
#   admit, so it is reported on the store.
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
import data.nhi.lib.access

findings contains lib.finding(u.id, null, msg) if {
	some u in input.inventory.unknowns
	msg := sprintf("%s unknown until apply: %s; rules that need it cannot decide at plan time", [u.what, u.detail])
}

findings contains lib.finding(s.id, null, msg) if {
	some s in access.facts.stores
	some u in s.unjudged
	not u.unreadable
	msg := sprintf("%s unknown until apply: %s; the access map of %s (data-class %s) cannot tell whom it admits", [unjudged_what(u), u.reason, access.store_label(s.id), s.dataClass])
}

unjudged_what(u) := "resource policy" if u.policy == "resource-policy"

unjudged_what(u) := sprintf("key policy of kms key %s", [lib.label({"id": u.of, "name": u.name})]) if u.policy == "key-policy"
