package nhi.rules_test.wvr_001

import data.nhi.rules.wvr_001

waiver(id, days, expires) := {
	"id": id, "ruleId": "NHI-ROT-003", "resource": "aws_iam_access_key.hl7", "owner": "integration-platform",
	"reason": "HL7 engine v7 supports only static keys", "expiresOn": expires, "daysLeft": days, "problems": [],
}

inp(ws) := {"source": "synth", "now": "2026-11-22T00:00:00Z", "inventory": {}, "waivers": ws}

test_expired_waiver_is_reported if {
	fs := wvr_001.findings with input as inp([waiver("w1", -3, "2026-11-19")])
	fs == {{"resource": "w1", "identity": null, "message": "waiver of NHI-ROT-003 for aws_iam_access_key.hl7 (owner integration-platform) expired on 2026-11-19, 3 days ago; it no longer suppresses anything"}}
}

test_waiver_expiring_today_is_still_valid if {
	count(wvr_001.findings) == 0 with input as inp([waiver("w1", 0, "2026-11-22")])
}

test_malformed_expired_waiver_is_left_to_wvr_002 if {
	w := object.union(waiver("w1", -3, "2026-11-19"), {"problems": ["$.owner: must be string"]})
	count(wvr_001.findings) == 0 with input as inp([w])
}

test_no_waivers_no_findings if {
	count(wvr_001.findings) == 0 with input as {"source": "plan", "now": "2026-11-22T00:00:00Z", "inventory": {}}
}
