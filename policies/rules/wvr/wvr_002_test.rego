package nhi.rules_test.wvr_002

import data.nhi.rules.wvr_002

good := {
	"id": "w", "ruleId": "NHI-ROT-003", "resource": "aws_iam_access_key.hl7", "owner": "integration-platform",
	"reason": "HL7 engine v7 supports only static keys", "expiresOn": "2027-01-15", "daysLeft": 54, "problems": [],
}

meta := {"rot_003": {"id": "NHI-ROT-003"}}

inp(ws) := {"source": "synth", "now": "2026-11-22T00:00:00Z", "inventory": {}, "waivers": ws}

run(ws) := fs if {
	fs := wvr_002.findings with input as inp(ws) with data.nhi.meta as meta with data.nhi.config.waiverMaxDays as 90
}

test_well_formed_waiver_is_silent if {
	count(run([good])) == 0
}

test_structural_problem_is_reported if {
	w := object.union(object.remove(good, ["owner"]), {"id": "w2", "problems": ["$.waivers[1]: must have property \"owner\""]})
	run([w]) == {{"resource": "w2", "identity": null, "message": "waiver is ignored: $.waivers[1]: must have property \"owner\""}}
}

test_short_reason_is_reported if {
	fs := run([object.union(good, {"reason": "legacy"})])
	fs == {{"resource": "w", "identity": null, "message": "waiver is ignored: reason is shorter than 10 characters"}}
}

test_too_long_and_unknown_rule_are_both_named if {
	fs := run([object.union(good, {"ruleId": "NHI-XX-009", "daysLeft": 120, "expiresOn": "2027-03-22"})])
	fs == {{"resource": "w", "identity": null, "message": "waiver is ignored: expires-on 2027-03-22 is 120 days ahead, more than the maximum of 90; rule NHI-XX-009 is not in the pack"}}
}

test_exactly_the_maximum_is_allowed if {
	count(run([object.union(good, {"daysLeft": 90})])) == 0
}
