package cloudinit

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/mail"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	yamlv2 "go.yaml.in/yaml/v2"
	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
)

// MaxUserData is the most user data, in bytes, that NetworkEveryBoot
// takes: 1 MiB, the most a Kubernetes Secret (KubeVirt's largest carrier of
// user data) holds. More is a field.TooLong at the root.
const MaxUserData = 1 << 20

// MaxInlineUserData is the most user data, in bytes, that KubeVirt accepts
// inline in a cloud-init volume: KubeVirt's
// pkg/virt-api/webhooks/validating-webhook/admitters/vmi-create-admitter.go
// sets cloudInitUserMaxLen = 2048 and refuses a volume whose userData (or
// decoded userDataBase64) is longer; userDataSecretRef is not counted.
const MaxInlineUserData = 2048

// maxGunzipped bounds the decompressed size of gzip user data that
// NetworkEveryBoot checks, so that a small gzip bomb costs bounded time.
const maxGunzipped = 64 << 20

// Warning codes of NetworkEveryBoot and SetNetworkEveryBoot.
const (
	// WarningUserDataNotRecognized: the user data is of no type cloud-init
	// recognises (it starts with none of "#cloud-config", "#!",
	// "#include", "#cloud-boothook", ...), so cloud-init ignores it. It is
	// kept, as a text/plain part that cloud-init ignores as well.
	WarningUserDataNotRecognized netconfig.WarningCode = "UserDataNotRecognized"
	// WarningUpdatesOutsideSchema: the cloud-config's updates holds keys
	// other than network, or updates.network keys other than when. They
	// are kept; cloud-init ignores them at run time (other scopes with a
	// logged warning) and `cloud-init schema` reports them, since its
	// schema allows no other keys there.
	WarningUpdatesOutsideSchema netconfig.WarningCode = "UpdatesOutsideSchema"
)

// bootEvent is cloud-init's EventType.BOOT.
const bootEvent = "boot"

// updateEvents are the values of cloud-init's EventType (cloudinit/event.py,
// lines 30-33 in 22.4.2, 29-32 in 25.1.4), the only values
// updates.network.when may hold: userdata_to_events (lines 61-69; 60-68)
// drops the scope's whole list when one value is not among them.
var updateEvents = [...]string{"boot-new-instance", "boot-legacy", "boot", "hotplug"}

// updatesPart is the cloud-config that NetworkEveryBoot adds.
const updatesPart = "updates:\n  network:\n    when: [boot]\n"

// mergeType is the Merge-Type header of the cloud-config part added to a
// MIME multipart. cloud-init merges cloud-config parts in order, each with
// its own mergers, by default dict(replace)+list()+str()
// (cloudinit/handlers/cloud_config.py: DEF_MERGERS, line 39 in 22.4.2;
// _extract_mergers, lines 104-107 in 25.1.4), under which a later
// part's updates replaces an earlier one's whole. With this header the
// part, which comes last, adds boot to whatever updates.network.when the
// parts before it (or the files they include) hold, and replaces nothing.
const mergeType = "dict(no_replace,recurse_list)+list(append)"

// NetworkEveryBoot returns userData, cloud-init user data, changed so that
// cloud-init applies the network config on every boot, not only on the
// first boot of an instance: it holds cloud-config's
// `updates: {network: {when: [boot]}}`. It is pure: no I/O, userData is
// not modified, and the same input always gives the same bytes.
//
// # Why
//
// cloud-init (22.4.2 as in Debian 12, 25.1.4 as in Debian 13; file and
// line references are to those tags of canonical/cloud-init) applies
// network config on a boot of a new instance (instance-id changed), or
// when an update event is enabled that the datasource supports.
// cloudinit/stages.py's Init.apply_network_config (lines 881-918 in
// 22.4.2, 1048-1090 in 25.1.4) applies it on a boot of the same instance
// only when update_event_enabled (lines 42-94; 66-132) finds
// EventType.BOOT among the events that the config's `updates` enables
// (cloudinit/event.py's userdata_to_events, lines 39-72; 38-71) or, where
// the user gives none for network, among the datasource's
// default_update_events, and the datasource's update_metadata_if_supported
// then re-reads the seed because BOOT is among its supported_update_events
// (cloudinit/sources/__init__.py: the two sets at lines 216-228; 268-283,
// update_metadata_if_supported at lines 800-836; 921-957).
// cloudinit/sources/DataSourceNoCloud.py overrides neither set, in 22.4.2
// as in 25.1.4: NoCloud supports BOOT (as ConfigDrive does, which sets the
// same four events itself) but enables only BOOT_NEW_INSTANCE by default.
// KubeVirt keeps the instance-id (the firmware UUID) across restarts, so
// without `updates` a changed networkData reaches the guest only on a new
// instance. A user's `when` list replaces the datasource's default
// (util.mergemanydict keeps the first, the user's, set); that costs
// nothing, since a new instance applies the network config whatever the
// events.
//
// # When it takes effect
//
// At the start of a boot (cloud-init init --local), Init.cfg, in which
// update_event_enabled looks for `updates`, holds the cloud-config that
// cloud-init stored at the previous boot (the instance's cloud-config.txt,
// read by cloudinit/helpers.py's ConfigMerger._get_instance_configs, line
// 231; 204), not the user data of the seed it is about to read. The seed
// itself is read afresh on every boot from a KubeVirt cidata disk: NoCloud's
// check_instance_id (DataSourceNoCloud.py lines 228-241; 256-269) compares
// only an instance-id found on the kernel command line or in a seed
// directory, finds none, and stages.py's _restore_from_checked_cache
// (lines 279-303; 345-369) then drops the cached datasource; and the
// cloud-config handler, which runs on every boot, rewrites
// cloud-config.txt from it. So user data that gains the key on an existing
// VM changes nothing at the next boot, which only stores it; from the boot
// after that on, every boot applies the seed's network config again. User
// data that has the key from the first boot of an instance works from its
// second boot on. Network data changed together with adding the key thus
// needs two restarts, or one restart with a new firmware UUID.
//
// # What it does, by kind of user data
//
// The kind is decided as cloudinit/user_data.py decides it (convert_string,
// lines 367-389; 365-387: gzip is decompressed, and "mime-version:" in the
// first 4096 bytes makes it MIME) and then cloudinit/handlers/__init__.py's
// type_from_starts_with (prefixes from INCLUSION_TYPES_MAP, line 42; 41):
//
//   - empty (or only white space): a minimal cloud-config holding only the
//     key ("#cloud-config\n" and the key);
//   - cloud-config (starts, after white space and in any case, with
//     "#cloud-config" but not "#cloud-config-archive" or
//     "#cloud-config-jsonp"): the key is merged into the document, every
//     other key and value kept. Without a top-level updates the key is
//     appended as text, and the user's bytes (comments, quoting, order) are
//     kept as they are. With one, boot is added to updates.network.when
//     (which is created where missing, or null), nothing else changes, and
//     the document is written again by go.yaml.in/yaml/v3: keys, values,
//     anchors and most comments are kept, but indentation becomes two
//     spaces and a comment may move to a neighbouring line. A document
//     whose when already holds boot is returned as it is;
//   - a MIME multipart ("mime-version:" in its first 4096 bytes, read
//     case-insensitively, as cloud-init decides): a text/cloud-config part
//     holding the key, with a Merge-Type header that adds boot to the
//     updates of the other parts rather than replacing it, is inserted
//     before the closing delimiter; the other parts are not read nor
//     changed. A multipart that already has that part is returned as it
//     is;
//   - anything else (a shell script "#!", "#include", "#cloud-boothook",
//     "#cloud-config-archive", "## template: jinja", gzip, text of no known
//     type): a MIME multipart/mixed as cloud-init's make-mime writes it,
//     whose first part is the user data byte for byte (base64-encoded, with
//     the content type cloud-init would give it, application/x-gzip for
//     gzip, which cloud-init decompresses and types; no filename, so
//     cloud-init names it part-001 as it names non-MIME user data) and
//     whose second part is the cloud-config above. The boundary is derived
//     from the content, so the output is deterministic.
//
// # Errors
//
// Input cloud-init would not read as the caller means it is refused, with a
// *netconfig.ValidationError whose *field.Error values are at the root
// (the whole user data) or at the path of the cloud-config key at fault,
// such as updates.network.when[1]: more than MaxUserData bytes; a
// cloud-config that is not YAML, holds more than one document (PyYAML's
// safe_load refuses it and cloud-init ignores the whole part) or is not a
// mapping; updates or updates.network that is not a mapping, or an alias;
// when that is not a list, or holds a value that is not one of
// boot-new-instance, boot-legacy, boot and hotplug (cloudinit/event.py's
// userdata_to_events then drops the whole list, so adding boot would not
// help); a key given twice in a mapping (YAML forbids it, PyYAML keeps the
// last), or a list or mapping used as a key (PyYAML refuses it); gzip that
// does not
// decompress, or decompresses to a MIME message (which cloud-init would not
// read as MIME inside a part), or to more than 64 MiB; MIME that does not
// parse, is not multipart or has no closing delimiter.
//
// Warnings report what is kept but is likely not what the user means:
// WarningUserDataNotRecognized and WarningUpdatesOutsideSchema.
//
// Limits: the parts of an existing multipart, the files of "#include" and
// the templates of "## template: jinja" are not read. If one of them holds
// an updates.network.when with a value cloud-init does not know, cloud-init
// drops that list, boot included.
func NetworkEveryBoot(userData []byte) ([]byte, []netconfig.Warning, error) {
	out, warnings, errs := networkEveryBoot(userData, nil)
	if len(errs) > 0 {
		return nil, nil, invalid(errs...)
	}
	return out, warnings, nil
}

// userDataPath builds the paths of NetworkEveryBoot's errors: at is the
// path of the user data in an object, or nil for bare user data.
type userDataPath struct{ at *field.Path }

// root is the path of the whole user data.
func (p userDataPath) root() *field.Path { return p.at }

// key is the path of a top-level cloud-config key and keys below it.
func (p userDataPath) key(name string, more ...string) *field.Path {
	if p.at == nil {
		return field.NewPath(name, more...)
	}
	return p.at.Child(name, more...)
}

// rootError is an error about the whole user data.
func (p userDataPath) rootError(typ field.ErrorType, detail string) *field.Error {
	if p.at == nil {
		return &field.Error{Type: typ, BadValue: field.OmitValueType{}, Detail: detail}
	}
	return &field.Error{Type: typ, Field: p.at.String(), BadValue: field.OmitValueType{}, Detail: detail}
}

// networkEveryBoot is NetworkEveryBoot with its errors at paths under at.
func networkEveryBoot(data []byte, at *field.Path) ([]byte, []netconfig.Warning, field.ErrorList) {
	p := userDataPath{at}
	if len(data) > MaxUserData {
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeTooLong, "may not be more than "+strconv.Itoa(MaxUserData)+" bytes")}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return []byte("#cloud-config\n" + updatesPart), nil, nil
	}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		if err := checkGzip(data); err != "" {
			return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInvalid, err)}
		}
		return wrap(data, "application/x-gzip"), nil, nil
	}
	if isMIME(data) {
		out, err := addPart(data)
		if err != "" {
			return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInvalid, err)}
		}
		return out, nil, nil
	}
	ctype := typeFromStartsWith(data)
	switch ctype {
	case "text/cloud-config":
		return mergeCloudConfig(data, p)
	case "":
		w := netconfig.Warning{
			Code:    WarningUserDataNotRecognized,
			Field:   pathString(p.root()),
			Message: "the user data starts with none of the prefixes cloud-init recognises (#cloud-config, #!, #include, #cloud-boothook, ...), so cloud-init ignores it; it is kept as a text/plain part, which cloud-init ignores too",
		}
		return wrap(data, "text/plain"), []netconfig.Warning{w}, nil
	default:
		return wrap(data, ctype), nil, nil
	}
}

func pathString(p *field.Path) string {
	if p == nil {
		return ""
	}
	return p.String()
}

// inclusionTypes is cloud-init's handlers.INCLUSION_TYPES_MAP
// (cloudinit/handlers/__init__.py, lines 42-59 in 22.4.2; the same entries
// in 25.1.4), longest prefix first as INCLUSION_SRCH sorts it.
var inclusionTypes = [...]struct{ prefix, ctype string }{
	{"text/x-shellscript-per-instance", "text/x-shellscript-per-instance"},
	{"text/x-shellscript-per-boot", "text/x-shellscript-per-boot"},
	{"text/x-shellscript-per-once", "text/x-shellscript-per-once"},
	{"#cloud-config-archive", "text/cloud-config-archive"},
	{"#cloud-config-jsonp", "text/cloud-config-jsonp"},
	{"## template: jinja", "text/jinja2"},
	{"#cloud-boothook", "text/cloud-boothook"},
	{"#include-once", "text/x-include-once-url"},
	{"#part-handler", "text/part-handler"},
	{"#cloud-config", "text/cloud-config"},
	{"#include", "text/x-include-url"},
	{"#!", "text/x-shellscript"},
}

// typeFromStartsWith is cloud-init's handlers.type_from_starts_with: the
// content type of a payload by its prefix, after leading white space and
// in any case; "" when it has none. cloud-init types text that is not
// UTF-8 too: util.fully_decoded_payload decodes a text part with
// surrogateescape first, and an invalid byte can match no prefix.
func typeFromStartsWith(data []byte) string {
	s := strings.TrimLeftFunc(string(data), isPythonSpace)
	for _, t := range inclusionTypes {
		if len(s) >= len(t.prefix) && strings.EqualFold(s[:len(t.prefix)], t.prefix) {
			return t.ctype
		}
	}
	return ""
}

// isPythonSpace is Python's str.isspace for one character: Unicode white
// space and the ASCII separators 0x1c-0x1f.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

// isMIME reports whether cloud-init's convert_string reads data as a MIME
// message: "mime-version:" in its first 4096 bytes, in any case.
func isMIME(data []byte) bool {
	head := bytes.Clone(data[:min(len(data), 4096)])
	for i, c := range head { // Python's bytes.lower: ASCII only
		if 'A' <= c && c <= 'Z' {
			head[i] = c + 'a' - 'A'
		}
	}
	return bytes.Contains(head, []byte("mime-version:"))
}

// checkGzip says why gzip user data cannot be wrapped, or "".
func checkGzip(data []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return "the user data starts as gzip does but is not valid gzip (" + err.Error() + "); cloud-init would fail to decompress it"
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(zr, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "the gzip user data does not decompress (" + err.Error() + "); cloud-init would fail to decompress it"
	}
	if isMIME(head[:n]) {
		return "the gzip user data is a compressed MIME message; cloud-init reads a compressed part of a multipart as one payload, not as MIME, so it cannot be wrapped: give the MIME message uncompressed"
	}
	rest, err := io.Copy(io.Discard, io.LimitReader(zr, maxGunzipped))
	if err != nil {
		return "the gzip user data does not decompress (" + err.Error() + "); cloud-init would fail to decompress it"
	}
	if int64(n)+rest >= maxGunzipped {
		return "the gzip user data decompresses to more than 64 MiB"
	}
	return ""
}

// boundaryFor returns a multipart boundary derived from data that data does
// not contain.
func boundaryFor(data []byte) string {
	h := sha256.New()
	h.Write([]byte("guestnet user data boundary v1\x00"))
	h.Write(data)
	for {
		sum := h.Sum(nil)
		b := "===============guestnet-" + hex.EncodeToString(sum[:12]) + "=="
		if !bytes.Contains(data, []byte(b)) {
			return b
		}
		h.Write(sum)
	}
}

// cloudConfigPart is the MIME part added, boundary line included, with eol
// as line ending.
func cloudConfigPart(boundary, eol string) string {
	lines := []string{
		"--" + boundary,
		`Content-Type: text/cloud-config; charset="us-ascii"`,
		"MIME-Version: 1.0",
		"Content-Transfer-Encoding: 7bit",
		"Merge-Type: " + mergeType,
		"",
		"#cloud-config",
		"updates:",
		"  network:",
		"    when: [boot]",
		"",
	}
	return strings.Join(lines, eol)
}

// wrap returns data as the first part of a multipart/mixed message, with
// content type ctype, and the cloud-config as its second part.
func wrap(data []byte, ctype string) []byte {
	boundary := boundaryFor(data)
	var b strings.Builder
	b.WriteString(`Content-Type: multipart/mixed; boundary="` + boundary + "\"\nMIME-Version: 1.0\n\n")
	b.WriteString("--" + boundary + "\n")
	if strings.HasPrefix(ctype, "text/") {
		b.WriteString("Content-Type: " + ctype + "; charset=\"utf-8\"\n")
	} else {
		b.WriteString("Content-Type: " + ctype + "\n")
	}
	b.WriteString("MIME-Version: 1.0\nContent-Transfer-Encoding: base64\n\n")
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n")
	b.WriteString(cloudConfigPart(boundary, "\n"))
	b.WriteString("--" + boundary + "--\n")
	return []byte(b.String())
}

// addPart inserts the cloud-config part into a MIME multipart before its
// closing delimiter, or says why it cannot.
func addPart(data []byte) ([]byte, string) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, "cloud-init reads the user data as MIME (it has \"mime-version:\" in its first 4096 bytes), but its headers do not parse: " + err.Error()
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, "the MIME user data's Content-Type does not parse: " + err.Error()
	}
	boundary := params["boundary"]
	if !strings.HasPrefix(mt, "multipart/") || boundary == "" {
		return nil, "the MIME user data is not multipart (its Content-Type is " + mt + "); make it multipart/mixed with one part, as cloud-init's make-mime does, to have a part added"
	}
	closing := []byte("--" + boundary + "--")
	i := bytes.LastIndex(data, closing)
	for i > 0 && data[i-1] != '\n' {
		i = bytes.LastIndex(data[:i], closing)
	}
	if i <= 0 {
		return nil, "the MIME multipart user data has no closing delimiter --" + boundary + "--, before which a part would go"
	}
	eol := "\n"
	if i >= 2 && data[i-2] == '\r' {
		eol = "\r\n"
	}
	part := cloudConfigPart(boundary, eol)
	if bytes.Contains(data, []byte(part)) {
		return bytes.Clone(data), ""
	}
	out := make([]byte, 0, len(data)+len(part))
	out = append(out, data[:i]...)
	out = append(out, part...)
	out = append(out, data[i:]...)
	return out, ""
}

// mergeCloudConfig merges the key into a cloud-config document.
func mergeCloudConfig(data []byte, p userDataPath) ([]byte, []netconfig.Warning, field.ErrorList) {
	doc, before, errs := parseOne(data, p)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	var root *yaml.Node
	if doc != nil && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	if root != nil && root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		// "null" or "~": cloud-init reads no config, as from an empty one.
		return []byte(headerLine(data) + "\n" + updatesPart), nil, nil
	}
	if root != nil && root.Kind != yaml.MappingNode {
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInvalid,
			"the cloud-config is a "+kindName(root)+", not a mapping; cloud-init ignores it")}
	}
	if root == nil {
		// Only comments: append.
		return appendText(data, updatesPart), nil, nil
	}
	idx := -1
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Kind == yaml.ScalarNode && k.ShortTag() == "!!str" && k.Value == "updates" {
			idx = i + 1 // parseOne refused duplicate keys
		}
	}
	if idx < 0 {
		if out, ok := appendChecked(data, root, before); ok {
			return out, nil, nil
		}
		root.Content = append(root.Content, strNode("updates"), updatesNode(nil))
		return encodeChecked(data, doc, before, p)
	}
	changed, warnings, errs := mergeUpdates(root, idx, p)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	if !changed {
		return bytes.Clone(data), warnings, nil
	}
	out, _, errs := encodeChecked(data, doc, before, p)
	return out, warnings, errs
}

// parseOne parses data as one YAML document, doc, which is nil for a
// document of only comments; value is what yaml/v2 reads from it, for
// sameButUpdates.
func parseOne(data []byte, p userDataPath) (doc *yaml.Node, value any, errs field.ErrorList) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	doc = new(yaml.Node)
	if err := dec.Decode(doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInvalid, "the cloud-config is not valid YAML: "+oneLine(err))}
	}
	if msg := duplicateKey(doc); msg != "" {
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInvalid,
			"the cloud-config is not YAML that cloud-init reads as it is meant (YAML forbids a key twice in a mapping, PyYAML keeps the last; PyYAML refuses lists and mappings as keys): "+msg)}
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInvalid,
			"the cloud-config holds more than one YAML document; cloud-init's PyYAML safe_load refuses it and cloud-init ignores the whole part")}
	}
	// yaml/v2 reads YAML 1.1 as PyYAML does, and refuses what PyYAML's
	// safe_load refuses too, such as a mapping used as a key.
	if err := yamlv2.Unmarshal(data, &value); err != nil {
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInvalid, "the cloud-config is not valid YAML 1.1 (cloud-init reads it with PyYAML): "+oneLine(err))}
	}
	return doc, value, nil
}

// duplicateKey finds a scalar key given twice in a mapping of n, or a list
// or mapping used as a key, in time
// linear in the document (yaml/v3's own check, when it decodes into a
// map, takes time quadratic in a mapping's size), and describes it; "" when
// there is none.
func duplicateKey(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		seen := make(map[[2]string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			target := k
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				target = k.Alias
			}
			if target.Kind == yaml.MappingNode || target.Kind == yaml.SequenceNode {
				return "line " + strconv.Itoa(k.Line) + ": a " + kindName(target) + " as a key, which PyYAML, cloud-init's reader, refuses (unhashable)"
			}
			if k.Kind != yaml.ScalarNode {
				continue
			}
			id := [2]string{k.ShortTag(), k.Value}
			if line, ok := seen[id]; ok {
				return "line " + strconv.Itoa(k.Line) + ": key " + strconv.Quote(k.Value) + " already given at line " + strconv.Itoa(line)
			}
			seen[id] = k.Line
		}
	}
	for _, c := range n.Content {
		if msg := duplicateKey(c); msg != "" {
			return msg
		}
	}
	return ""
}

// oneLine is err's message on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// An updateLevel is one step of the path updates.network.when, with what
// mergeUpdates does and says there.
type updateLevel struct {
	key  string
	kind yaml.Kind // the kind the value must be
	// fresh is the value that leads on to [boot]: in place of old, a null
	// whose comments it keeps, or of a missing key when old is nil.
	fresh func(old *yaml.Node) *yaml.Node
	// otherKey says why cloud-init ignores a key beside this one (none for
	// updates, among the top-level keys), alias how to write an alias out,
	// wrongKind what follows the name of a wrong kind.
	otherKey, alias, wrongKind string
}

// updateLevels are the steps from the top of a cloud-config to the list
// of events in updates.network.when.
var updateLevels = [...]updateLevel{
	{key: "updates", kind: yaml.MappingNode, fresh: updatesNode,
		alias:     "write updates out in full",
		wrongKind: "; cloud-init wants a mapping such as {network: {when: [boot]}}"},
	{key: "network", kind: yaml.MappingNode, fresh: networkNode,
		otherKey:  "cloud-init knows no update scope but network, and ignores this one",
		alias:     "write updates.network out in full",
		wrongKind: "; cloud-init wants a mapping such as {when: [boot]}"},
	{key: "when", kind: yaml.SequenceNode, fresh: whenNode,
		otherKey:  "cloud-init reads only when here; its schema allows no other key",
		alias:     "write the list out in full",
		wrongKind: ", not a list; cloud-init reads each element as an event, so anything but a list of events such as [boot] loses them all"},
}

// mergeUpdates adds boot to the updates value at root.Content[idx]. It
// walks down updateLevels: a missing or null step becomes the rest of the
// way to [boot], an alias or a value of the wrong kind is an error, and
// the keys beside network and when are kept, with a warning.
func mergeUpdates(root *yaml.Node, idx int, p userDataPath) (bool, []netconfig.Warning, field.ErrorList) {
	var warnings []netconfig.Warning
	parent, path := root, p.key("updates")
	for i, lv := range updateLevels {
		if i > 0 {
			// The caller found updates; below it, look for the key.
			var others []netconfig.Warning
			idx, others = childOf(parent, lv.key, path, lv.otherKey)
			warnings = append(warnings, others...)
			path = path.Child(lv.key)
			if idx < 0 {
				parent.Content = append(parent.Content, strNode(lv.key), lv.fresh(nil))
				return true, warnings, nil
			}
		}
		n := parent.Content[idx]
		switch {
		case n.Kind == yaml.AliasNode:
			return false, nil, field.ErrorList{field.Invalid(path, "*"+n.Value, "an alias, which would change the anchor's other uses too: "+lv.alias)}
		case isNull(n):
			parent.Content[idx] = lv.fresh(n)
			return true, warnings, nil
		case n.Kind != lv.kind:
			return false, nil, field.ErrorList{field.Invalid(path, field.OmitValueType{}, "a "+kindName(n)+lv.wrongKind)}
		}
		parent = n
	}
	when := parent
	var errs field.ErrorList
	hasBoot := false
	for i, item := range when.Content {
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" || !knownEvent(item.Value) {
			bad := any(field.OmitValueType{})
			if item.Kind == yaml.ScalarNode {
				bad = item.Value
			}
			errs = append(errs, field.NotSupported(path.Index(i), bad, updateEvents[:]))
			continue
		}
		if item.Value == bootEvent {
			hasBoot = true
		}
	}
	if len(errs) > 0 {
		for _, e := range errs {
			e.Detail += " (cloud-init's userdata_to_events drops the whole list when one value is unknown)"
		}
		return false, nil, errs
	}
	if hasBoot {
		return false, warnings, nil
	}
	when.Content = append(when.Content, strNode(bootEvent))
	return true, warnings, nil
}

// childOf finds key among the keys of mapping, the value at path, and
// returns the index of its value in mapping.Content, or -1 when key is
// missing; each other key gets a warning that says otherKeyWhy.
func childOf(mapping *yaml.Node, key string, path *field.Path, otherKeyWhy string) (idx int, warnings []netconfig.Warning) {
	idx = -1
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		k := mapping.Content[i]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!str" && k.Value == key {
			idx = i + 1
			continue
		}
		warnings = append(warnings, outsideSchema(path.Child(k.Value), otherKeyWhy))
	}
	return idx, warnings
}

func outsideSchema(path *field.Path, msg string) netconfig.Warning {
	return netconfig.Warning{Code: WarningUpdatesOutsideSchema, Field: path.String(), Message: msg + "; it is kept"}
}

func knownEvent(s string) bool {
	return slices.Contains(updateEvents[:], s)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	}
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!str":
		return "string"
	case "!!int", "!!float":
		return "number"
	case "!!bool":
		return "boolean"
	}
	return "scalar (" + n.ShortTag() + ")"
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// whenNode is [boot]; old, when not nil, is the null it replaces, whose
// comments it keeps.
func whenNode(old *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Content: []*yaml.Node{strNode(bootEvent)}}
	keepComments(n, old)
	return n
}

func networkNode(old *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{strNode("when"), whenNode(nil)}}
	keepComments(n, old)
	return n
}

func updatesNode(old *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{strNode("network"), networkNode(nil)}}
	keepComments(n, old)
	return n
}

func keepComments(n, old *yaml.Node) {
	if old != nil {
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
}

// headerLine is the line of a cloud-config's "#cloud-config" header, as
// the user wrote it, without the white space before it or its line break.
func headerLine(data []byte) string {
	s := strings.TrimLeftFunc(string(data), isPythonSpace)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// appendText appends text to data, on a line of its own, with data's line
// endings.
func appendText(data []byte, text string) []byte {
	eol := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		eol = "\r\n"
		text = strings.ReplaceAll(text, "\n", eol)
	}
	out := bytes.Clone(data)
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, eol...)
	}
	return append(out, text...)
}

// appendChecked appends the key to data as text, when that gives the
// document with the key added and nothing else changed (a block mapping at
// the first column, no document end marker, no block scalar whose kept
// line breaks would grow).
func appendChecked(data []byte, root *yaml.Node, before any) ([]byte, bool) {
	if root.Style&yaml.FlowStyle != 0 || root.Column != 1 {
		return nil, false
	}
	out := appendText(data, updatesPart)
	return out, sameButUpdates(before, out)
}

// encodeChecked writes doc again, with data's first line (its
// #cloud-config header) first, and checks that only updates changed.
func encodeChecked(data []byte, doc *yaml.Node, before any, p userDataPath) ([]byte, []netconfig.Warning, field.ErrorList) {
	spellNulls(doc, false)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	err := enc.Encode(doc)
	if err == nil {
		err = enc.Close()
	}
	if err != nil {
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInternal, "the cloud-config cannot be written again: "+err.Error())}
	}
	out := buf.Bytes()
	if typeFromStartsWith(out) != "text/cloud-config" {
		out = append([]byte(headerLine(data)+"\n"), out...)
	}
	if !sameButUpdates(before, out) {
		return nil, nil, field.ErrorList{p.rootError(field.ErrorTypeInternal,
			"the cloud-config, written again by go.yaml.in/yaml/v3, would not read back as the same document; add updates: {network: {when: [boot]}} by hand")}
	}
	return out, nil, nil
}

// spellNulls spells out the empty nulls of flow collections (the value of
// "{a}") as "null": go.yaml.in/yaml/v3 writes them as ”, an empty string.
func spellNulls(n *yaml.Node, inFlow bool) {
	if n.Kind == yaml.ScalarNode && inFlow && n.Value == "" && n.ShortTag() == "!!null" {
		n.Value = "null"
	}
	flow := inFlow || n.Style&yaml.FlowStyle != 0
	for _, c := range n.Content {
		spellNulls(c, flow)
	}
}

// sameButUpdates reports whether after reads as bv, the document before
// as yaml/v2 read it, with boot in updates.network.when, every other
// top-level key unchanged and every event before kept. yaml/v2 reads YAML
// 1.1, as PyYAML does, and (unlike yaml/v3, whose duplicate-key check
// takes time quadratic in a mapping's size) in linear time.
func sameButUpdates(bv any, after []byte) bool {
	if typeFromStartsWith(after) != "text/cloud-config" {
		return false
	}
	var av any
	if yamlv2.Unmarshal(after, &av) != nil {
		return false
	}
	b, okb := asMap(bv)
	a, oka := asMap(av)
	if !okb || !oka {
		return false
	}
	if _, ok := a["updates"]; !ok {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok && k != "updates" {
			return false
		}
	}
	for k, v := range b {
		if k == "updates" {
			continue
		}
		if w, ok := a[k]; !ok || !reflect.DeepEqual(v, w) {
			return false
		}
	}
	got := whenOf(a)
	if !slices.Contains(got, bootEvent) {
		return false
	}
	for _, e := range whenOf(b) {
		if !slices.Contains(got, e) {
			return false
		}
	}
	return true
}

// asMap returns a decoded YAML mapping with keys of any type; nil (an empty
// document) is an empty mapping.
func asMap(v any) (map[any]any, bool) {
	switch m := v.(type) {
	case nil:
		return map[any]any{}, true
	case map[any]any:
		return m, true
	case map[string]any:
		out := make(map[any]any, len(m))
		for k, e := range m {
			out[k] = e
		}
		return out, true
	}
	return nil, false
}

// whenOf is updates.network.when of a decoded document, as strings.
func whenOf(doc map[any]any) []string {
	u, _ := asMap(doc["updates"])
	n, _ := asMap(u["network"])
	w, _ := n["when"].([]any)
	var out []string
	for _, e := range w {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// SetNetworkEveryBoot returns a deep copy of vm whose cloudInitNoCloud
// volume's user data has passed through NetworkEveryBoot, so that the
// guest applies the volume's network data on every boot (see
// NetworkEveryBoot for when that starts). vm itself is never modified.
//
// The template must have exactly one cloudInitNoCloud volume (SetNetworkData
// adds one). Its userData, or the decoded userDataBase64, is changed and
// kept in the same field; without either, userData gets the minimal
// cloud-config. User data behind userDataSecretRef cannot be read by a pure
// function: that is a field.Forbidden at userDataSecretRef, and the caller
// passes the Secret's userdata to NetworkEveryBoot and updates the Secret.
// A result longer than MaxInlineUserData, which KubeVirt refuses inline, is
// a field.TooLong at the field. Errors inside the user data are at its
// path followed by the cloud-config's, such as
// spec.template.spec.volumes[1].cloudInitNoCloud.userData.updates.network.when[0];
// all come in one *netconfig.ValidationError.
func SetNetworkEveryBoot(vm *kubevirtv1.VirtualMachine) (*kubevirtv1.VirtualMachine, []netconfig.Warning, error) {
	if vm == nil {
		return nil, nil, noObject("no VirtualMachine to set user data on")
	}
	if vm.Spec.Template == nil {
		return nil, nil, invalid(noTemplate())
	}
	out := vm.DeepCopy()
	volumes := field.NewPath("spec", "template", "spec", "volumes")
	found := -1
	var errs field.ErrorList
	for i, v := range out.Spec.Template.Spec.Volumes {
		if v.CloudInitNoCloud == nil {
			continue
		}
		if found >= 0 {
			errs = append(errs, field.Forbidden(volumes.Index(i).Child("cloudInitNoCloud"),
				"a second cloudInitNoCloud volume (the first is "+volumes.Index(found).String()+"); which one's user data to change is ambiguous"))
			continue
		}
		found = i
	}
	if found < 0 && len(errs) == 0 {
		errs = append(errs, field.Required(volumes, "the VM has no cloudInitNoCloud volume; SetNetworkData adds one"))
	}
	if len(errs) > 0 {
		return nil, nil, invalid(errs...)
	}
	src := out.Spec.Template.Spec.Volumes[found].CloudInitNoCloud
	path := volumes.Index(found).Child("cloudInitNoCloud")
	switch {
	case src.UserDataSecretRef != nil:
		return nil, nil, invalid(field.Forbidden(path.Child("userDataSecretRef"),
			"the user data is in Secret "+strconv.Quote(src.UserDataSecretRef.Name)+", which a pure function cannot read: pass its userdata to NetworkEveryBoot and update the Secret"))
	case src.UserData != "" && src.UserDataBase64 != "":
		return nil, nil, invalid(field.Forbidden(path.Child("userDataBase64"), "both userData and userDataBase64 are set; KubeVirt allows one"))
	}
	at := path.Child("userData")
	data := []byte(src.UserData)
	if src.UserDataBase64 != "" {
		at = path.Child("userDataBase64")
		dec, err := base64.StdEncoding.DecodeString(src.UserDataBase64)
		if err != nil {
			return nil, nil, invalid(field.Invalid(at, field.OmitValueType{}, "not valid base64: "+err.Error()))
		}
		data = dec
	}
	res, warnings, errs := networkEveryBoot(data, at)
	if len(errs) > 0 {
		return nil, nil, invalid(errs...)
	}
	if len(res) > MaxInlineUserData {
		return nil, nil, invalid(field.TooLong(at, "", MaxInlineUserData))
	}
	if src.UserDataBase64 != "" {
		src.UserDataBase64 = base64.StdEncoding.EncodeToString(res)
	} else {
		src.UserData = string(res)
	}
	return out, warnings, nil
}
