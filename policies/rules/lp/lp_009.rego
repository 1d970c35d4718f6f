# METADATA
# title: Broad data read on every resource
# description: |
#   An Allow statement grants actions that read data (objects, secret values, decryption, table
#   items, FHIR records, parameters) on Resource "*", whether or not a PHI store is declared in
#   the same input: a store created later, or in another stack, is readable the day it exists.
#   The actions come from the AWS IAM catalog (expandedActions, and for NotAction the complement
#   facts of checks/enrich/complement.ts): access level Read on a data-bearing resource type
#   (policy data dataReadTypes; wildcards such as "s3:Get*" expand through the catalog), except
#   reads of metadata only (Describe*, List*, ACLs, tags, policies, retention), plus the few
#   actions that return data but are filed under Write (policy data dataReadActions: kms:Decrypt,
#   rds-data statements). NotResource counts as every resource but the listed ones unless it
#   excludes every resource type of the action. An unconditioned Deny reaching the same identity
#   removes an action. Conditions are shown and do not clear the finding (they narrow the request,
#   not the set of stores). Action "*" is NHI-LP-001. One finding per policy and identity.
# custom:
#   id: NHI-LP-009
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Scope Resource to the ARNs of the buckets, secrets, keys and tables the workload reads
#     (ServiceIdentity.grant() in stacks/ does), or guard the statement with an
#     aws:ResourceTag/data-class condition and a Deny for data-class phi.
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05, PR.DS-01]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_009

import data.nhi.lib
import data.nhi.lib.iam

# Resource types (catalog keys, lower-case) whose Read actions return the data they hold, by
# service, and the actions that return data but that the catalog files under Write: policy data
# (dataReadTypes, dataReadActions in policies/data.json; a --data file adds or replaces services).
data_bearing := {svc: {lower(t) | some t in types} |
	some svc, types in object.get(lib.config, "dataReadTypes", {})
}

data_actions := {lower(a) | some a in object.get(lib.config, "dataReadActions", [])}

# Read actions on a data-bearing type that return only metadata (action names, after the colon).
metadata_names := [
	"describe*", "list*", "get*policy*", "*acl", "*tagging", "*retention", "*legalhold",
	"*attributes", "getcapabilities", "getkeyrotationstatus", "getkeylastusage",
	"getparametersforimport", "getpublickey",
]

metadata(action) if {
	name := split(lower(action), ":")[1]
	some p in metadata_names
	glob.match(p, [], name)
}

data_read(e) if {
	"Read" in split(e.accessLevel, ", ")
	not metadata(e.action)
	types := data_bearing[iam.service_of(e.action)]
	some rt in object.get(e, "resourceTypes", [])
	rt in types
}

data_read(e) if lower(e.action) in data_actions

# Services of data-bearing types, for the services NotAction grants whole.
data_services := object.keys(data_bearing)

reads(policy, holder) := {e.action |
	some stmt in lib.allow_statements(policy)
	some e in iam.granted_actions(stmt)
	data_read(e)
	iam.every_resource_for(stmt, e)
	not iam.denied(policy, holder, lower(e.action), "*")
}

whole_reads(policy, holder) := {label |
	some stmt in lib.allow_statements(policy)
	some svc in whole_read_services(stmt)
	not iam.denied(policy, holder, concat(":", [svc, "*"]), "*")
	label := whole_read_label[svc]
}

# The data-bearing services a NotAction statement grants whole, each on every resource of it. A
# statement on Resource "*" whose grants are a shared entry of the compact input (input.grants,
# checks/engine/compactInput.ts) takes that entry's services, found once per entry instead of once
# per statement (some 450 services each).
whole_read_services(stmt) := shared_whole_reads[iam.not_action_grants_ref(stmt)] if {
	iam.every_resource(stmt)
} else := {g.service |
	some g in iam.whole_services(stmt)
	g.service in data_services
	iam.every_resource_of_service(stmt, g.service)
}

shared_whole_reads[ref] := {g.service | some g in grants; g.all; g.service in data_services} if {
	some ref, grants in object.get(input, "grants", {})
}

# Made once per service (sprintf is a call out of the WASM module).
whole_read_label[svc] := sprintf("every read of %s (through NotAction)", [svc]) if some svc in data_services

notes(policy) := concat("", {iam.condition_note(stmt) |
	some stmt in lib.allow_statements(policy)
	count(object.get(stmt, "conditions", [])) > 0
})

shown := 5

findings contains lib.finding(policy.id, holder, msg) if {
	some policy in lib.policies
	some holder in iam.holders(policy.id)
	names := array.concat(sort(reads(policy, holder)), sort(whole_reads(policy, holder)))
	count(names) > 0
	msg := sprintf("policy %s allows reading data on every resource: %s%s%s", [lib.label(policy), concat(", ", array.slice(names, 0, shown)), lib.and_more(count(names), shown), notes(policy)])
}
