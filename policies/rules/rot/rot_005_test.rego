package nhi.rules_test.rot_005

import data.nhi.rules.rot_005
import data.nhi.test.fixtures as fx

key(id, over) := fx.with_keys({"id": id, "kind": "access-key", "name": id, "identity": "iam-user:ci", "tags": {}, "status": "Active", "change": "existing", "origin": {"source": "live"}}, over)

test_old_active_key if {
	rot_005.findings == {{"resource": "access-key:AKIAOLD", "identity": "iam-user:ci", "message": "access key access-key:AKIAOLD is 120 days old, more than the 90-day maximum"}} with input as fx.input_of("live", {"credentials": [key("access-key:AKIAOLD", {"ageDays": 120})]})
}

test_young_or_inactive_keys_pass if {
	keys := [key("access-key:AKIANEW", {"ageDays": 90}), key("access-key:AKIAOFF", {"ageDays": 400, "status": "Inactive"})]
	count(rot_005.findings) == 0 with input as fx.input_of("live", {"credentials": keys})
}
