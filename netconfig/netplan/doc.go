// Package netplan holds the typed model of the netplan v2 network config
// that guestnet writes, and turns it into YAML and back.
//
// Marshal writes a Config through sigs.k8s.io/yaml and then double-quotes
// every string value, so that no value (a MAC such as 52:54:00:12:34:56,
// a search domain such as "on") can be read as another type by a YAML 1.1
// reader such as cloud-init's, and none can become YAML structure. Parse
// reads such a document back, in the `network: {version: 2}` form or the
// bare `version: 2` form that cloud-init also accepts, and rejects keys the
// model does not know, so that a test asserting on a parsed document never
// silently ignores part of it.
package netplan
