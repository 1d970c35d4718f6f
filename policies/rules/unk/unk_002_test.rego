package nhi.rules_test.unk_002

import data.nhi.rules.unk_002
import data.nhi.test.fixtures as fx

unreadable := {"known": false, "unreadable": true, "reason": "policy document is not valid JSON"}

test_unreadable_policy_is_a_finding if {
	p := {"id": "aws_iam_policy.broken", "name": "broken", "type": "managed", "document": unreadable, "change": "create", "origin": {"source": "plan"}}
	fs := unk_002.findings with input as fx.input_of("plan", {"policies": [p]})
	fs == {{"resource": "aws_iam_policy.broken", "identity": null, "message": "policy broken could not be judged (policy document is not valid JSON): every rule that reads its statements is blind to it"}}
}

test_unreadable_trust_is_a_finding if {
	i := {"id": "aws_iam_role.r", "kind": "role", "name": "r", "tags": {}, "policies": [], "groups": [], "change": "existing", "trust": unreadable, "origin": {"source": "state"}}
	fs := unk_002.findings with input as fx.input_of("state", {"identities": [i]})
	count(fs) == 1
}

# Unknown until apply (NHI-UNK-001's case) and AWS managed policies judged by name are not unreadable.
test_unknown_or_managed_is_not_unreadable if {
	later := {"id": "aws_iam_policy.later", "name": "later", "type": "managed", "document": {"known": false, "reason": "policy is known only after apply"}, "change": "create", "origin": {"source": "plan"}}
	managed := {"id": "arn:aws:iam::aws:policy/ReadOnlyAccess", "name": "ReadOnlyAccess", "type": "aws-managed", "document": {"known": false, "reason": "AWS managed policy: judged by name"}, "change": "existing", "origin": {"source": "plan"}}
	count(unk_002.findings) == 0 with input as fx.input_of("plan", {"policies": [later, managed]})
}

test_deleted_policy_is_not_judged if {
	p := {"id": "aws_iam_policy.gone", "name": "gone", "type": "managed", "document": unreadable, "change": "delete", "origin": {"source": "plan"}}
	count(unk_002.findings) == 0 with input as fx.input_of("plan", {"policies": [p]})
}

phi_secret(unjudged) := {
	"id": "stack/aws_secretsmanager_secret.ehr", "kind": "secret", "name": "ehr-db", "dataClass": "pii",
	"reachCount": 1, "reachedByAnyone": false, "shown": [], "reachedByUsed": [], "unjudged": unjudged,
}

access_of(stores) := {"stores": stores, "principalIds": [], "principals": [], "indirect": []}

sensitive := {"policy": "resource-policy", "of": "stack/aws_secretsmanager_secret.ehr", "name": "ehr-db", "unreadable": true, "reason": "policy of aws_secretsmanager_secret_policy.ehr is marked sensitive, so nhi-guard does not read it"}

test_unreadable_store_resource_policy_is_a_finding if {
	fs := unk_002.findings with input as fx.input_of("state", {"access": access_of([phi_secret([sensitive])])})
	fs == {{"resource": "stack/aws_secretsmanager_secret.ehr", "identity": null, "message": "the resource policy could not be judged (policy of aws_secretsmanager_secret_policy.ehr is marked sensitive, so nhi-guard does not read it): the access map of secret ehr-db (data-class pii) cannot tell whom it admits"}}
}

test_unreadable_key_policy_is_a_finding if {
	key := {"policy": "key-policy", "of": "stack/aws_kms_key.ehr", "name": "ehr", "unreadable": true, "reason": "policy document is not valid JSON"}
	fs := unk_002.findings with input as fx.input_of("synth", {"access": access_of([phi_secret([key])])})
	[f] := [f | some f in fs]
	f.resource == "stack/aws_secretsmanager_secret.ehr"
	startswith(f.message, "the key policy of kms key ehr could not be judged (policy document is not valid JSON)")
}

# Only unknown until apply (NHI-UNK-001's case), or read: not NHI-UNK-002.
test_unknown_or_known_store_policy_is_not_unreadable if {
	later := object.union(sensitive, {"unreadable": false, "reason": "policy is known only after apply"})
	known := json.remove(phi_secret([]), ["unjudged"])
	count(unk_002.findings) == 0 with input as fx.input_of("plan", {"access": access_of([phi_secret([later]), known])})
}
