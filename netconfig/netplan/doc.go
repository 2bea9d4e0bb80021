// Package netplan holds the typed model of the netplan v2 network config
// that guestnet writes, and turns it into YAML and back.
//
// Marshal is a dedicated emitter for this fixed schema. It writes every
// string value as a double-quoted scalar with every character that is not
// printable ASCII escaped, so that no value (a MAC such as
// 52:54:00:12:34:56, a search domain such as "on") can be read as another
// type by a YAML 1.1 reader such as cloud-init's, and none can become YAML
// structure. Its tests hold it to sigs.k8s.io/yaml: every generated Config
// must read back, with sigs.k8s.io/yaml and go.yaml.in/yaml/v3, as exactly
// the document sigs.k8s.io/yaml.Marshal writes for it.
//
// Parse reads such a document back, in the `network: {version: 2}` form or
// the bare `version: 2` form that cloud-init also accepts, and rejects keys
// the model does not know, so that a test asserting on a parsed document
// never silently ignores part of it.
package netplan
