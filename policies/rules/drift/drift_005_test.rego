package nhi.rules_test.drift_005

import data.nhi.rules.drift_005
import data.nhi.test.drift as dx
import data.nhi.test.fixtures as fx

key(id, over) := fx.with_keys({"id": id, "kind": "access-key", "name": id, "identity": "iam-user:ci", "tags": {}, "status": "Active", "change": "existing", "origin": {"source": "live"}}, over)

ci := dx.live_role("ci", {"id": "iam-user:ci", "kind": "user", "usage": {"lastUsed": "2026-11-01T00:00:00Z", "ageDays": 400, "daysSinceUsed": 21}})

test_dormant_roles_and_keys_live_and_in_drift if {
	old := dx.live_role("old", {"usage": {"lastUsed": "2026-01-01T00:00:00Z", "ageDays": 700, "daysSinceUsed": 325}})
	never := dx.live_role("never", {"usage": {"lastUsed": null, "ageDays": 120, "daysSinceUsed": null}})
	k1 := key("access-key:AKIANEVER", {"lastUsed": null, "ageDays": 8, "daysSinceUsed": null})
	k2 := key("access-key:AKIAOLD", {"lastUsed": "2026-03-01T00:00:00Z", "ageDays": 300, "daysSinceUsed": 266})
	parts := {"identities": [old, never, ci], "credentials": [k1, k2]}
	want := {"iam-role:old", "iam-role:never", "access-key:AKIANEVER", "access-key:AKIAOLD"}
	{f.resource | some f in drift_005.findings with input as fx.input_of("live", parts)} == want
	{f.resource | some f in drift_005.findings with input as dx.input_of({}, parts, {})} == want
}

test_recent_young_inactive_and_exempt_pass if {
	young := dx.live_role("young", {"usage": {"lastUsed": null, "ageDays": 10, "daysSinceUsed": null}})
	slr := dx.live_role("AWSServiceRoleForSupport", {"path": "/aws-service-role/support.amazonaws.com/", "usage": {"lastUsed": null, "ageDays": 900, "daysSinceUsed": null}})
	inactive := key("access-key:AKIAOFF", {"status": "Inactive", "lastUsed": null, "ageDays": 300})
	used := key("access-key:AKIAUSED", {"lastUsed": "2026-11-20T00:00:00Z", "ageDays": 30, "daysSinceUsed": 2})

	# Never used, but created within neverUsedKeyDays (7), or of unknown age: not dormant yet.
	fresh := key("access-key:AKIAFRESH", {"lastUsed": null, "ageDays": 7, "daysSinceUsed": null})
	ageless := key("access-key:AKIANOAGE", {"lastUsed": null, "daysSinceUsed": null})
	count(drift_005.findings) == 0 with input as fx.input_of("live", {"identities": [young, slr, ci], "credentials": [inactive, used, fresh, ageless]})
}
