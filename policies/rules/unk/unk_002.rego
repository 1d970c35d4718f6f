# METADATA
# title: Policy document could not be judged
# description: |
#   A policy or trust document exists but could not be read: it is not valid JSON, it is not an
#   IAM policy (no Statement, a statement of the wrong shape), or it is larger than nhi-guard
#   judges (more than 10,000 statements). Every rule that reads documents is blind to it, so it
#   is reported at the severity of the worst rule it could hide (Action "*" is critical): never a
#   silent pass. This includes the resource policy of a data store of data-class phi or pii
#   (bucket or secret policy) and the key policy of the KMS key that gates reading it: the PHI
#   access map cannot tell whom they admit, so it is reported on the store. A document merely
#   unknown until apply is NHI-UNK-001 instead.
# custom:
#   id: NHI-UNK-002
#   severity: critical
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Make the document a valid IAM policy (JSON with a Statement list of Allow/Deny statements),
#     or split a document too large to judge into several policies; then run nhi-guard again.
#   references:
#     owasp: [NHI5, NHI6]
#     nistCsf: [PR.AA-05, DE.CM-09]
#     hipaa: ["164.312(a)(1)"]
package nhi.rules.unk_002

import data.nhi.lib
import data.nhi.lib.access

findings contains lib.finding(p.id, null, msg) if {
	some p in lib.policies
	p.document.unreadable == true
	msg := sprintf("policy %s could not be judged (%s): every rule that reads its statements is blind to it", [lib.label(p), p.document.reason])
}

findings contains lib.finding(i.id, i.id, msg) if {
	some i in lib.identities
	i.trust.unreadable == true
	msg := sprintf("the trust policy of %s %s could not be judged (%s): the trust rules are blind to it", [i.kind, lib.label(i), i.trust.reason])
}

findings contains lib.finding(s.id, null, msg) if {
	some s in access.facts.stores
	some u in s.unjudged
	u.unreadable == true
	msg := sprintf("the %s could not be judged (%s): the access map of %s (data-class %s) cannot tell whom it admits", [unjudged_what(u), u.reason, access.store_label(s.id), s.dataClass])
}

unjudged_what(u) := "resource policy" if u.policy == "resource-policy"

unjudged_what(u) := sprintf("key policy of kms key %s", [lib.label({"id": u.of, "name": u.name})]) if u.policy == "key-policy"
