# METADATA
# title: Credential in plain configuration
# description: |
#   A credential sits in configuration that is not a secret store: Lambda, ECS or Batch
#   environment variables, EC2 or launch-template user data, a non-sensitive variable or output, or
#   an SSM String parameter. Anyone who can read the function, task definition, template, plan,
#   state or parameter reads the credential, and it never rotates. The facts (plainCredentials) are
#   computed by the loaders (checks/loaders/plainConfig.ts) and, live, by the collector
#   (checks/live/mapConfig.ts, which also reads the values of String parameters): token formats
#   from secretlint's recommended rules (AWS access and secret keys, private keys, GitHub, Slack,
#   npm, GCP and other tokens, connection strings with passwords), and password-like names with a
#   literal value that is not a reference, a number or a switch. The finding names the attribute
#   path and the kind of credential, never the value. A resource being deleted is not judged.
# custom:
#   id: NHI-ROT-008
#   severity: critical
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Rotate the exposed credential now. Keep it in Secrets Manager (or an SSM SecureString) and
#     give the workload the secret's ARN: ECS and Batch `secrets` with valueFrom, the Lambda reading
#     it at start through the Secrets Manager extension, user data fetching it with the instance
#     role. Mark variables and outputs that carry credentials sensitive.
#   references:
#     owasp: [NHI2, NHI7]
#     nistCsf: [PR.AA-01, PR.DS-01]
#     hipaa: ["164.312(a)(2)(iv)", "164.312(d)", "164.308(a)(4)"]
package nhi.rules.rot_008

import data.nhi.lib

kind_names := {
	"aws-access-key": "an AWS access key id",
	"aws-secret-key": "an AWS secret access key",
	"private-key": "a private key",
	"password-like": "a literal value under a password-like name",
}

kind_name(kind) := kind_names[kind]

kind_name(kind) := sprintf("a credential of the form %s", [kind]) if not kind_names[kind]

findings contains lib.finding(c.id, null, msg) if {
	some c in object.get(input.inventory, "plainCredentials", [])
	c.change != "delete"
	msg := sprintf("%s %s holds %s in plain configuration at %s: rotate it and move it to a secret store", [c.holderType, lib.label(c), kind_name(c.kind), c.path])
}
