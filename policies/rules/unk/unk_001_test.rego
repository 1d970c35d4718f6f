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
