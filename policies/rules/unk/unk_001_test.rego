package nhi.rules_test.unk_001

import data.nhi.rules.unk_001
import data.nhi.test.fixtures as fx

test_each_unknown_is_a_finding if {
	u := {"id": "stack/aws_iam_role_policy.p#policy-document", "what": "policy-document", "detail": "policy of aws_iam_role_policy.p: policy is known only after apply", "origin": {"source": "plan"}}
	fs := unk_001.findings with input as fx.input_of("plan", {"unknowns": [u]})
	fs == {{"resource": u.id, "identity": null, "message": "policy-document unknown until apply: policy of aws_iam_role_policy.p: policy is known only after apply; rules that need it cannot decide at plan time"}}
}

test_no_unknowns_no_finding if {
	count(unk_001.findings) == 0 with input as fx.input_of("plan", {})
}

# The access facts of a phi bucket (checks/access/facts.ts), with what the map could not read.
phi_bucket(unjudged) := {
	"id": "stack/aws_s3_bucket.scans", "kind": "s3", "name": "stmarys-scans", "dataClass": "phi",
	"reachCount": 0, "reachedByAnyone": false, "shown": [], "reachedByUsed": [], "unjudged": unjudged,
}

access_of(stores) := {"stores": stores, "principalIds": [], "principals": [], "indirect": []}

later := {"policy": "resource-policy", "of": "stack/aws_s3_bucket.scans", "name": "stmarys-scans", "unreadable": false, "reason": "policy is known only after apply (data source read at apply)"}

test_phi_store_resource_policy_unknown_is_a_finding if {
	fs := unk_001.findings with input as fx.input_of("plan", {"access": access_of([phi_bucket([later])])})
	fs == {{"resource": "stack/aws_s3_bucket.scans", "identity": null, "message": "resource policy unknown until apply: policy is known only after apply (data source read at apply); the access map of s3 stmarys-scans (data-class phi) cannot tell whom it admits"}}
}

test_phi_store_key_policy_unknown_is_a_finding if {
	key := {"policy": "key-policy", "of": "stack/aws_kms_key.scans", "name": null, "unreadable": false, "reason": "policy is known only after apply (expression evaluated at apply)"}
	fs := unk_001.findings with input as fx.input_of("plan", {"access": access_of([phi_bucket([key])])})
	[f] := [f | some f in fs]
	f.resource == "stack/aws_s3_bucket.scans"
	startswith(f.message, "key policy of kms key stack/aws_kms_key.scans unknown until apply")
}

# A store whose policies were read (no unjudged), and an unreadable one (NHI-UNK-002's case), are not NHI-UNK-001.
test_known_or_unreadable_store_policy_is_not_unknown if {
	known := json.remove(phi_bucket([]), ["unjudged"])
	unreadable := object.union(later, {"unreadable": true, "reason": "policy is not valid JSON"})
	count(unk_001.findings) == 0 with input as fx.input_of("plan", {"access": access_of([known, phi_bucket([unreadable])])})
}
