# METADATA
# title: Instance credentials exposed by IMDSv1
# description: |
#   An EC2 instance or launch template carries an instance profile and its instance metadata
#   service does not require session tokens (metadata_options http_tokens = "required", IMDSv2):
#   any SSRF or proxy flaw in the workload hands out the role's credentials with one GET. An
#   autoscaling group is judged through the launch templates it launches. Not declaring
#   http_tokens counts as not required (the default depends on the AMI and the account). An
#   instance without an instance profile has no NHI credentials to expose and is not judged, nor
#   is one whose metadata service is turned off (http_endpoint = "disabled").
# custom:
#   id: NHI-TR-007
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 } on the
#     instance or launch template (and make IMDSv2 the account default with
#     aws_ec2_instance_metadata_defaults).
#   references:
#     owasp: [NHI6, NHI4]
#     nistCsf: [PR.AA-03, PR.PS-01]
#     hipaa: ["164.312(a)(1)", "164.312(d)"]
package nhi.rules.tr_007

import data.nhi.lib

compute := [c |
	some c in object.get(input.inventory, "compute", [])
	c.change != "delete"
]

by_id := {c.id: c | some c in compute}

exposed(c) if {
	c.instanceProfile
	object.get(c, "httpTokens", "") != "required"
	object.get(c, "httpEndpoint", "") != "disabled"
}

tokens_of(c) := sprintf("http_tokens = \"%s\"", [c.httpTokens]) if c.httpTokens

tokens_of(c) := "no http_tokens setting" if not c.httpTokens

kind_name := {"instance": "instance", "launch-template": "launch template"}

findings contains lib.finding(c.id, null, msg) if {
	some c in compute
	c.kind != "autoscaling-group"
	exposed(c)
	msg := sprintf("%s %s carries an instance profile with %s: its role credentials are served by IMDSv1 without a session token", [kind_name[c.kind], lib.label(c), tokens_of(c)])
}

findings contains lib.finding(c.id, null, msg) if {
	some c in compute
	c.kind == "autoscaling-group"
	some tid in object.get(c, "launchTemplates", [])
	t := by_id[tid]
	exposed(t)
	msg := sprintf(
		"autoscaling group %s launches launch template %s, which carries an instance profile with %s: its role credentials are served by IMDSv1 without a session token",
		[lib.label(c), lib.label(t), tokens_of(t)],
	)
}
