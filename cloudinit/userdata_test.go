package cloudinit_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubevirtv1 "kubevirt.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/guestnet/guestnet/cloudinit"
	"github.com/guestnet/guestnet/netconfig"
)

const minimalEveryBoot = "#cloud-config\nupdates:\n  network:\n    when: [boot]\n"

func gzipped(t require.TestingT, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// mimeParts reads a multipart/mixed message as cloud-init would see its
// parts: content type and decoded payload, in order.
type mimePart struct {
	ctype, mergeType string
	payload          []byte
}

func readMIME(t require.TestingT, data []byte) []mimePart {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	require.NoError(t, err)
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/mixed", mt)
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var parts []mimePart
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(p)
		require.NoError(t, err)
		if p.Header.Get("Content-Transfer-Encoding") == "base64" {
			body, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\n", ""))
			require.NoError(t, err)
		}
		ct, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		require.NoError(t, err)
		parts = append(parts, mimePart{ctype: ct, mergeType: p.Header.Get("Merge-Type"), payload: body})
	}
	return parts
}

func TestNetworkEveryBootCloudConfig(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		warnings       []netconfig.WarningCode
	}{
		{name: "empty", in: "", want: minimalEveryBoot},
		{name: "white space only", in: " \n\t\n", want: minimalEveryBoot},
		{name: "header only", in: "#cloud-config\n", want: minimalEveryBoot},
		{name: "header without line break", in: "#cloud-config", want: minimalEveryBoot},
		{name: "null document", in: "#cloud-config\n~\n", want: minimalEveryBoot},
		{name: "null document after a blank line", in: "\n#cloud-config\n~\n", want: minimalEveryBoot},
		{name: "header spelling kept", in: "#Cloud-Config \nnull\n", want: "#Cloud-Config \n" + strings.TrimPrefix(minimalEveryBoot, "#cloud-config\n")},
		{
			name: "written again after a blank line",
			in:   "\n#cloud-config\nupdates: {}\n",
			want: "#cloud-config\nupdates: {network: {when: [boot]}}\n",
		},
		{
			name: "other keys and comments kept as they are, key appended",
			in:   "#cloud-config\n# users first\nusers:\n  - name: a   # the admin\n    sudo: yes\nruncmd: [\"echo on\"]\n",
			want: "#cloud-config\n# users first\nusers:\n  - name: a   # the admin\n    sudo: yes\nruncmd: [\"echo on\"]\n" + strings.TrimPrefix(minimalEveryBoot, "#cloud-config\n"),
		},
		{
			name: "no final line break",
			in:   "#cloud-config\nhostname: a",
			want: "#cloud-config\nhostname: a\n" + strings.TrimPrefix(minimalEveryBoot, "#cloud-config\n"),
		},
		{
			name: "CRLF line endings kept",
			in:   "#cloud-config\r\nhostname: a\r\n",
			want: "#cloud-config\r\nhostname: a\r\nupdates:\r\n  network:\r\n    when: [boot]\r\n",
		},
		{
			name: "header in another case, after white space",
			in:   "\n#Cloud-Config\nhostname: a\n",
			want: "\n#Cloud-Config\nhostname: a\n" + strings.TrimPrefix(minimalEveryBoot, "#cloud-config\n"),
		},
		{
			name: "flow mapping written again",
			in:   "#cloud-config\n{hostname: a}\n",
			want: "#cloud-config\n{hostname: a, updates: {network: {when: [boot]}}}\n",
		},
		{
			name: "boot added to the user's events",
			in:   "#cloud-config\nupdates:\n  network:\n    when: [hotplug, boot-legacy]\nhostname: a\n",
			want: "#cloud-config\nupdates:\n  network:\n    when: [hotplug, boot-legacy, boot]\nhostname: a\n",
		},
		{
			name: "block list keeps its style",
			in:   "#cloud-config\nupdates:\n  network:\n    when:\n      - hotplug\n",
			want: "#cloud-config\nupdates:\n  network:\n    when:\n      - hotplug\n      - boot\n",
		},
		{
			name: "boot already there: unchanged byte for byte",
			in:   "#cloud-config\nupdates:\n    network:\n        when: ['boot']   # keep\n",
			want: "#cloud-config\nupdates:\n    network:\n        when: ['boot']   # keep\n",
		},
		{
			name: "null updates",
			in:   "#cloud-config\nupdates:\nhostname: a\n",
			want: "#cloud-config\nupdates:\n  network:\n    when: [boot]\nhostname: a\n",
		},
		{
			name: "updates without network",
			in:   "#cloud-config\nupdates: {}\n",
			want: "#cloud-config\nupdates: {network: {when: [boot]}}\n",
		},
		{
			name: "network without when",
			in:   "#cloud-config\nupdates:\n  network: {}\n",
			want: "#cloud-config\nupdates:\n  network: {when: [boot]}\n",
		},
		{
			name: "null when",
			in:   "#cloud-config\nupdates:\n  network:\n    when: ~\n",
			want: "#cloud-config\nupdates:\n  network:\n    when: [boot]\n",
		},
		{
			name:     "other scopes and keys kept, with warnings",
			in:       "#cloud-config\nupdates:\n  storage: {when: [boot]}\n  network:\n    when: [hotplug]\n    extra: 1\n",
			want:     "#cloud-config\nupdates:\n  storage: {when: [boot]}\n  network:\n    when: [hotplug, boot]\n    extra: 1\n",
			warnings: []netconfig.WarningCode{cloudinit.WarningUpdatesOutsideSchema, cloudinit.WarningUpdatesOutsideSchema},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			orig := bytes.Clone(in)
			out, warnings, err := cloudinit.NetworkEveryBoot(in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(out))
			assert.Equal(t, orig, in, "the input changed")
			var codes []netconfig.WarningCode
			for _, w := range warnings {
				codes = append(codes, w.Code)
			}
			assert.Equal(t, tc.warnings, codes)
			again, _, err := cloudinit.NetworkEveryBoot(out)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(again), "not idempotent")
		})
	}
}

func TestNetworkEveryBootWrapsOtherUserData(t *testing.T) {
	gz := gzipped(t, "#!/bin/sh\necho hi\n")
	for _, tc := range []struct {
		name, ctype string
		in          []byte
		warning     netconfig.WarningCode
	}{
		{name: "shell script", in: []byte("#!/bin/sh\necho hi\n"), ctype: "text/x-shellscript"},
		{name: "include", in: []byte("#include\nhttp://example.com/a\n"), ctype: "text/x-include-url"},
		{name: "include-once", in: []byte("#include-once\nhttp://example.com/a\n"), ctype: "text/x-include-once-url"},
		{name: "boothook", in: []byte("#cloud-boothook\necho hi\n"), ctype: "text/cloud-boothook"},
		{name: "cloud-config archive", in: []byte("#cloud-config-archive\n- content: '#!/bin/sh'\n"), ctype: "text/cloud-config-archive"},
		{name: "jinja template", in: []byte("## template: jinja\n#cloud-config\nhostname: {{ v1.instance_id }}\n"), ctype: "text/jinja2"},
		{name: "gzip", in: gz, ctype: "application/x-gzip"},
		{name: "script, not UTF-8", in: []byte("#!/bin/sh\n\xff\xfe\n"), ctype: "text/x-shellscript"},
		{name: "binary", in: []byte("\x00\xff\xfe#!"), ctype: "text/plain", warning: cloudinit.WarningUserDataNotRecognized},
		{name: "unknown text", in: []byte("hostname: a\n"), ctype: "text/plain", warning: cloudinit.WarningUserDataNotRecognized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, warnings, err := cloudinit.NetworkEveryBoot(tc.in)
			require.NoError(t, err)
			parts := readMIME(t, out)
			require.Len(t, parts, 2)
			assert.Equal(t, tc.ctype, parts[0].ctype)
			assert.Equal(t, tc.in, parts[0].payload, "the user data is not carried byte for byte")
			assert.Equal(t, "text/cloud-config", parts[1].ctype)
			assert.Equal(t, "dict(no_replace,recurse_list)+list(append)", parts[1].mergeType)
			assert.Equal(t, strings.TrimSuffix(minimalEveryBoot, "\n"), string(parts[1].payload))
			if tc.warning != "" {
				require.Len(t, warnings, 1)
				assert.Equal(t, tc.warning, warnings[0].Code)
			} else {
				assert.Empty(t, warnings)
			}
			again, _, err := cloudinit.NetworkEveryBoot(tc.in)
			require.NoError(t, err)
			assert.Equal(t, out, again, "not deterministic")
			twice, _, err := cloudinit.NetworkEveryBoot(out)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(twice), "not idempotent")
		})
	}
}

const userMultipart = "Content-Type: multipart/mixed; boundary=\"XYZ\"\nMIME-Version: 1.0\n\n" +
	"--XYZ\nContent-Type: text/cloud-config\n\n#cloud-config\nupdates: {network: {when: [hotplug]}}\n" +
	"--XYZ\nContent-Type: text/x-shellscript\n\n#!/bin/sh\necho hi\n" +
	"--XYZ--\n"

func TestNetworkEveryBootMultipart(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		in := []byte(strings.ReplaceAll(userMultipart, "\n", eol))
		out, warnings, err := cloudinit.NetworkEveryBoot(in)
		require.NoError(t, err)
		assert.Empty(t, warnings)
		parts := readMIME(t, out)
		require.Len(t, parts, 3)
		assert.Equal(t, "text/cloud-config", parts[0].ctype)
		assert.Equal(t, "text/x-shellscript", parts[1].ctype)
		assert.Equal(t, "text/cloud-config", parts[2].ctype)
		assert.Equal(t, "dict(no_replace,recurse_list)+list(append)", parts[2].mergeType)
		assert.True(t, bytes.HasPrefix(out, in[:bytes.LastIndex(in, []byte("--XYZ--"))]), "the user's parts changed")
		twice, _, err := cloudinit.NetworkEveryBoot(out)
		require.NoError(t, err)
		assert.Equal(t, string(out), string(twice), "not idempotent")
	}
}

func TestNetworkEveryBootErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []byte
		field string
		typ   field.ErrorType
	}{
		{name: "bad YAML", in: []byte("#cloud-config\nhostname: [a\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "two documents", in: []byte("#cloud-config\na: 1\n---\nb: 2\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "list, not a mapping", in: []byte("#cloud-config\n- a\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "string, not a mapping", in: []byte("#cloud-config\nhello\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "updates a string", in: []byte("#cloud-config\nupdates: boot\n"), field: "updates", typ: field.ErrorTypeInvalid},
		{name: "updates a list", in: []byte("#cloud-config\nupdates: [boot]\n"), field: "updates", typ: field.ErrorTypeInvalid},
		{name: "updates twice", in: []byte("#cloud-config\nupdates: {}\nupdates: {}\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "mapping as a key", in: []byte("#cloud-config\n{}: 1\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "list as a key, by alias", in: []byte("#cloud-config\na: &l [1]\n*l : 2\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "duplicate key below", in: []byte("#cloud-config\nupdates: {network: {when: [boot], when: [hotplug]}}\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "updates an alias", in: []byte("#cloud-config\nx: &u {network: {when: [hotplug]}}\nupdates: *u\n"), field: "updates", typ: field.ErrorTypeInvalid},
		{name: "network a list", in: []byte("#cloud-config\nupdates: {network: [boot]}\n"), field: "updates.network", typ: field.ErrorTypeInvalid},
		{name: "when a string", in: []byte("#cloud-config\nupdates: {network: {when: boot}}\n"), field: "updates.network.when", typ: field.ErrorTypeInvalid},
		{name: "unknown event", in: []byte("#cloud-config\nupdates: {network: {when: [hotplug, reboot]}}\n"), field: "updates.network.when[1]", typ: field.ErrorTypeNotSupported},
		{name: "event not a string", in: []byte("#cloud-config\nupdates: {network: {when: [{a: 1}]}}\n"), field: "updates.network.when[0]", typ: field.ErrorTypeNotSupported},
		{name: "too large", in: append([]byte("#cloud-config\n#"), bytes.Repeat([]byte("x"), cloudinit.MaxUserData)...), field: "", typ: field.ErrorTypeTooLong},
		{name: "corrupt gzip", in: []byte("\x1f\x8b\x08\x00garbage"), field: "", typ: field.ErrorTypeInvalid},
		{name: "gzip of MIME", in: gzipped(t, userMultipart), field: "", typ: field.ErrorTypeInvalid},
		{name: "MIME, not multipart", in: []byte("MIME-Version: 1.0\nContent-Type: text/x-shellscript\n\n#!/bin/sh\n"), field: "", typ: field.ErrorTypeInvalid},
		{name: "multipart without closing delimiter", in: []byte(strings.TrimSuffix(userMultipart, "--XYZ--\n")), field: "", typ: field.ErrorTypeInvalid},
		{name: "mime-version in a script", in: []byte("#!/bin/sh\n# mime-version: 1\n"), field: "", typ: field.ErrorTypeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, warnings, err := cloudinit.NetworkEveryBoot(tc.in)
			require.Error(t, err)
			assert.Nil(t, out)
			assert.Nil(t, warnings)
			requireOneError(t, err, tc.field, tc.typ)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// requireOneError requires err to be a *netconfig.ValidationError that
// holds one error, of type typ at wantField.
func requireOneError(t *testing.T, err error, wantField string, typ field.ErrorType) {
	t.Helper()
	var invalid *netconfig.ValidationError
	require.ErrorAs(t, err, &invalid)
	require.Len(t, invalid.Errors, 1, "%v", err)
	assert.Equal(t, wantField, invalid.Errors[0].Field, "%v", err)
	assert.Equal(t, typ, invalid.Errors[0].Type, "%v", err)
}

func everyBootVM(src *kubevirtv1.CloudInitNoCloudSource) *kubevirtv1.VirtualMachine {
	return &kubevirtv1.VirtualMachine{Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{
		Spec: kubevirtv1.VirtualMachineInstanceSpec{Volumes: []kubevirtv1.Volume{
			{Name: "root", VolumeSource: kubevirtv1.VolumeSource{ContainerDisk: &kubevirtv1.ContainerDiskSource{Image: "img"}}},
			{Name: "cloudinitdisk", VolumeSource: kubevirtv1.VolumeSource{CloudInitNoCloud: src}},
		}},
	}}}
}

func TestSetNetworkEveryBoot(t *testing.T) {
	t.Run("userData", func(t *testing.T) {
		vm := everyBootVM(&kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\nhostname: a\n", NetworkData: "version: 2\n"})
		before := vm.DeepCopy()
		out, warnings, err := cloudinit.SetNetworkEveryBoot(vm)
		require.NoError(t, err)
		assert.Empty(t, warnings)
		assert.Equal(t, before, vm, "the input changed")
		src := out.Spec.Template.Spec.Volumes[1].CloudInitNoCloud
		assert.Equal(t, "#cloud-config\nhostname: a\n"+strings.TrimPrefix(minimalEveryBoot, "#cloud-config\n"), src.UserData)
		assert.Equal(t, "version: 2\n", src.NetworkData)
	})
	t.Run("userDataBase64 stays base64", func(t *testing.T) {
		vm := everyBootVM(&kubevirtv1.CloudInitNoCloudSource{UserDataBase64: base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho hi\n"))})
		out, _, err := cloudinit.SetNetworkEveryBoot(vm)
		require.NoError(t, err)
		src := out.Spec.Template.Spec.Volumes[1].CloudInitNoCloud
		assert.Empty(t, src.UserData)
		data, err := base64.StdEncoding.DecodeString(src.UserDataBase64)
		require.NoError(t, err)
		want, _, err := cloudinit.NetworkEveryBoot([]byte("#!/bin/sh\necho hi\n"))
		require.NoError(t, err)
		assert.Equal(t, want, data)
	})
	t.Run("no user data", func(t *testing.T) {
		out, _, err := cloudinit.SetNetworkEveryBoot(everyBootVM(&kubevirtv1.CloudInitNoCloudSource{}))
		require.NoError(t, err)
		assert.Equal(t, minimalEveryBoot, out.Spec.Template.Spec.Volumes[1].CloudInitNoCloud.UserData)
	})
	for _, tc := range []struct {
		name  string
		vm    *kubevirtv1.VirtualMachine
		field string
		typ   field.ErrorType
	}{
		{name: "nil", vm: nil, field: "", typ: field.ErrorTypeRequired},
		{name: "no template", vm: &kubevirtv1.VirtualMachine{}, field: "spec.template", typ: field.ErrorTypeRequired},
		{name: "no volume", vm: &kubevirtv1.VirtualMachine{Spec: kubevirtv1.VirtualMachineSpec{Template: &kubevirtv1.VirtualMachineInstanceTemplateSpec{}}}, field: "spec.template.spec.volumes", typ: field.ErrorTypeRequired},
		{name: "secret", vm: everyBootVM(&kubevirtv1.CloudInitNoCloudSource{UserDataSecretRef: &corev1LocalRef}), field: "spec.template.spec.volumes[1].cloudInitNoCloud.userDataSecretRef", typ: field.ErrorTypeForbidden},
		{name: "bad base64", vm: everyBootVM(&kubevirtv1.CloudInitNoCloudSource{UserDataBase64: "!!"}), field: "spec.template.spec.volumes[1].cloudInitNoCloud.userDataBase64", typ: field.ErrorTypeInvalid},
		{name: "error inside", vm: everyBootVM(&kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\nupdates: {network: {when: [x]}}\n"}), field: "spec.template.spec.volumes[1].cloudInitNoCloud.userData.updates.network.when[0]", typ: field.ErrorTypeNotSupported},
		{name: "bad YAML", vm: everyBootVM(&kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n: ["}), field: "spec.template.spec.volumes[1].cloudInitNoCloud.userData", typ: field.ErrorTypeInvalid},
		{name: "too long inline", vm: everyBootVM(&kubevirtv1.CloudInitNoCloudSource{UserData: "#cloud-config\n#" + strings.Repeat("x", cloudinit.MaxInlineUserData-20) + "\n"}), field: "spec.template.spec.volumes[1].cloudInitNoCloud.userData", typ: field.ErrorTypeTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := cloudinit.SetNetworkEveryBoot(tc.vm)
			assert.Nil(t, out)
			requireOneError(t, err, tc.field, tc.typ)
		})
	}
}

var corev1LocalRef = corev1LocalObjectReference("ud")

// genCloudConfig generates a cloud-config document: top-level keys with
// scalar, list and mapping values, and maybe an updates key.
func genCloudConfig(t *rapid.T) ([]byte, map[string]any) {
	keys := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z_]{0,8}`), 0, 6, rapid.ID[string]).Draw(t, "keys")
	doc := map[string]any{}
	var b strings.Builder
	b.WriteString("#cloud-config\n")
	for _, k := range keys {
		if k == "updates" {
			continue
		}
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			v := rapid.StringMatching(`[a-z0-9 ]{0,10}`).Draw(t, "value")
			doc[k] = v
			b.WriteString(k + ": \"" + v + "\"\n")
		case 1:
			v := rapid.IntRange(-100, 100).Draw(t, "int")
			doc[k] = v
			b.WriteString(k + ": " + itoa(v) + "  # a comment\n")
		case 2:
			doc[k] = []any{"a", "b"}
			b.WriteString(k + ":\n  - a\n  - b\n")
		default:
			doc[k] = map[string]any{"x": "y"}
			b.WriteString(k + ": {x: y}\n")
		}
	}
	if rapid.Bool().Draw(t, "updates") {
		events := rapid.SliceOfDistinct(rapid.SampledFrom([]string{"boot-new-instance", "boot-legacy", "boot", "hotplug"}), rapid.ID[string]).Draw(t, "events")
		b.WriteString("updates:\n  network:\n    when: [" + strings.Join(events, ", ") + "]\n")
		when := make([]any, len(events))
		for i, e := range events {
			when[i] = e
		}
		doc["updates"] = map[string]any{"network": map[string]any{"when": when}}
	}
	return []byte(b.String()), doc
}

func itoa(i int) string {
	out, _ := yamlv3.Marshal(i)
	return strings.TrimSpace(string(out))
}

// TestEveryBootKeepsEveryKeyAndAddsBoot: the result of a cloud-config holds
// boot in updates.network.when, every event the user had, and every other
// top-level key with its value; applying it twice is applying it once.
func TestEveryBootKeepsEveryKeyAndAddsBoot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in, want := genCloudConfig(t)
		out, _, err := cloudinit.NetworkEveryBoot(in)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(out, []byte("#cloud-config\n")), "%s", out)
		var got map[string]any
		require.NoError(t, yamlv3.Unmarshal(out, &got), "%s", out)
		when := got["updates"].(map[string]any)["network"].(map[string]any)["when"].([]any)
		assert.Contains(t, when, "boot")
		if u, ok := want["updates"]; ok {
			for _, e := range u.(map[string]any)["network"].(map[string]any)["when"].([]any) {
				assert.Contains(t, when, e)
			}
		}
		for k, v := range want {
			if k != "updates" {
				assert.Equal(t, v, got[k], "key %s", k)
			}
		}
		assert.Len(t, got, len(want)+boolInt(want["updates"] == nil))
		twice, _, err := cloudinit.NetworkEveryBoot(out)
		require.NoError(t, err)
		assert.Equal(t, string(out), string(twice))
	})
}

// TestEveryBootCarriesOtherUserData: user data of any other kind ends up,
// byte for byte, as the first part of a multipart whose last part is the
// cloud-config, and applying it twice is applying it once.
func TestEveryBootCarriesOtherUserData(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prefix := rapid.SampledFrom([]string{"#!/bin/sh\n", "#cloud-boothook\n", "#include\n", "## template: jinja\n"}).Draw(t, "prefix")
		body := rapid.SliceOfN(rapid.Byte(), 0, 200).Draw(t, "body")
		in := append([]byte(prefix), body...)
		out, _, err := cloudinit.NetworkEveryBoot(in)
		if err != nil {
			// Only the bytes "mime-version:" make such data MIME.
			require.Contains(t, strings.ToLower(string(in)), "mime-version:")
			return
		}
		parts := readMIME(t, out)
		require.Len(t, parts, 2)
		assert.Equal(t, in, parts[0].payload)
		assert.Equal(t, "text/cloud-config", parts[1].ctype)
		twice, _, err := cloudinit.NetworkEveryBoot(out)
		require.NoError(t, err)
		assert.Equal(t, out, twice)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FuzzNetworkEveryBoot checks, for any user data, that NetworkEveryBoot
// does not panic, returns output or a *netconfig.ValidationError of field
// errors and never both, is deterministic, and that its output, given
// again, comes back unchanged; a cloud-config output reads as YAML with
// boot in updates.network.when.
func FuzzNetworkEveryBoot(f *testing.F) {
	for _, s := range []string{
		"", "#cloud-config\n", "#cloud-config\nhostname: a\n", "#cloud-config\nupdates:\n  network:\n    when: [hotplug]\n",
		"#cloud-config\n{a: 1}", "#cloud-config\n- a\n", "#cloud-config\nupdates: 3\n", "#cloud-config\na: &x 1\nb: *x\n",
		"#!/bin/sh\necho hi\n", userMultipart, "#cloud-config\nw: |+\n  a\n\n", "\n #cloud-config\n~\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		out, warnings, err := cloudinit.NetworkEveryBoot(in)
		require.Equal(t, orig, in, "the input changed")
		if err != nil {
			require.Nil(t, out)
			require.Nil(t, warnings)
			var invalid *netconfig.ValidationError
			require.ErrorAs(t, err, &invalid)
			require.NotEmpty(t, invalid.Errors)
			for _, fe := range invalid.Errors {
				require.NotEqual(t, field.ErrorTypeInternal, fe.Type, "%q: %v", in, err)
			}
			return
		}
		again, _, err := cloudinit.NetworkEveryBoot(in)
		require.NoError(t, err)
		require.Equal(t, out, again, "not deterministic")
		twice, _, err := cloudinit.NetworkEveryBoot(out)
		require.NoError(t, err, "the output is refused: %q", out)
		require.Equal(t, string(out), string(twice), "not idempotent")
		if strings.HasPrefix(strings.ToLower(strings.TrimLeft(string(out), " \t\r\n")), "#cloud-config") {
			var doc map[string]any
			require.NoError(t, yamlv3.Unmarshal(out, &doc), "%q", out)
			u, _ := doc["updates"].(map[string]any)
			n, _ := u["network"].(map[string]any)
			require.Contains(t, n["when"], "boot", "%q", out)
		}
	})
}

// TestNetworkEveryBootCloudInitSchema validates cloud-config results with
// cloud-init's own schema (`cloud-init schema --config-file`, the 22.4
// command; later releases also have it). It is skipped without cloud-init,
// unless CI is set.
func TestNetworkEveryBootCloudInitSchema(t *testing.T) {
	bin, err := exec.LookPath("cloud-init")
	if err != nil {
		if v := strings.TrimSpace(os.Getenv("CI")); v != "" && v != "false" && v != "0" {
			t.Fatalf("cloud-init is not installed and CI=%q: %v", v, err)
		}
		t.Skipf("cloud-init is not installed: %v (apt-get install cloud-init)", err)
	}
	dir := t.TempDir()
	for i, in := range []string{
		"",
		"#cloud-config\nhostname: a\n",
		"#cloud-config\nupdates:\n  network:\n    when: [hotplug]\n",
		"#cloud-config\nupdates:\n",
		"#cloud-config\nupdates: {network: {}}\n",
		"#cloud-config\n{hostname: a}\n",
	} {
		out, _, err := cloudinit.NetworkEveryBoot([]byte(in))
		require.NoError(t, err)
		p := filepath.Join(dir, "user-data-"+itoa(i))
		require.NoError(t, os.WriteFile(p, out, 0o600))
		res, err := exec.Command(bin, "schema", "--config-file", p).CombinedOutput()
		require.NoError(t, err, "cloud-init schema refuses %q:\n%s", out, res)
	}
}

func corev1LocalObjectReference(name string) corev1.LocalObjectReference {
	return corev1.LocalObjectReference{Name: name}
}

// readByCloudInit is a Python program that reads user data with cloud-init's
// own modules, as its init stage does: UserDataProcessor splits it into
// parts (decompressing gzip, typing parts by their start), and the
// cloud-config part handler merges the text/cloud-config parts with each
// part's mergers. It prints the parts' content types and the merged config.
const readByCloudInit = `
import json, sys
from cloudinit import handlers, helpers, user_data, util
from cloudinit.handlers.cloud_config import CloudConfigPartHandler
paths = helpers.Paths({})
msg = user_data.UserDataProcessor(paths).process(open(sys.argv[1], "rb").read())
h = CloudConfigPartHandler(paths)
h.handle_part(None, handlers.CONTENT_START, None, None, None, None)
types = []
for p in msg.walk():
    if p.get_content_maintype() == "multipart":
        continue
    ct = p.get_content_type()
    types.append(ct)
    if ct == "text/cloud-config":
        h.handle_part(None, ct, p.get_filename(), util.fully_decoded_payload(p), None, dict(p.items()))
print(json.dumps({"types": types, "config": h.cloud_buf}))
`

// TestNetworkEveryBootReadByCloudInit has cloud-init's Python modules read
// the results: every part is there with its type, and the merged config's
// updates.network.when holds boot and the user's own events. It needs the
// python3 that cloud-init runs with (/usr/bin/python3, which imports
// cloudinit); it is skipped without it, unless CI is set.
func TestNetworkEveryBootReadByCloudInit(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import cloudinit.user_data").Run(); err != nil {
		if v := strings.TrimSpace(os.Getenv("CI")); v != "" && v != "false" && v != "0" {
			t.Fatalf("%s cannot import cloud-init's modules and CI=%q: %v", python, v, err)
		}
		t.Skipf("%s cannot import cloud-init's modules: %v (apt-get install cloud-init)", python, err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "read.py")
	require.NoError(t, os.WriteFile(script, []byte(readByCloudInit), 0o600))
	for _, tc := range []struct {
		name  string
		in    []byte
		types []string
		when  []any
	}{
		{name: "cloud-config", in: []byte("#cloud-config\nupdates: {network: {when: [hotplug]}}\nhostname: a\n"),
			types: []string{"text/cloud-config"}, when: []any{"hotplug", "boot"}},
		{name: "cloud-config written again, YAML 1.1 scalars", in: []byte("#cloud-config\nssh_pwauth: yes\nmode: 0755\nn: 1_000\nt: 12:30:00\nh: 0x1F\nupdates: {network: {when: [hotplug]}}\n"),
			types: []string{"text/cloud-config"}, when: []any{"hotplug", "boot"}},
		{name: "shell script", in: []byte("#!/bin/sh\necho hi\n"),
			types: []string{"text/x-shellscript", "text/cloud-config"}, when: []any{"boot"}},
		{name: "boothook", in: []byte("#cloud-boothook\necho hi\n"),
			types: []string{"text/cloud-boothook", "text/cloud-config"}, when: []any{"boot"}},
		{name: "script, not UTF-8", in: []byte("#!/bin/sh\necho \xff\n"),
			types: []string{"text/x-shellscript", "text/cloud-config"}, when: []any{"boot"}},
		{name: "text of no known type", in: []byte("hostname: a\n"),
			types: []string{"text/plain", "text/cloud-config"}, when: []any{"boot"}},
		{name: "gzip of a cloud-config with its own updates", in: gzipped(t, "#cloud-config\nupdates: {network: {when: [hotplug]}}\n"),
			types: []string{"text/cloud-config", "text/cloud-config"}, when: []any{"hotplug", "boot"}},
		{name: "multipart with its own updates", in: []byte(userMultipart),
			types: []string{"text/cloud-config", "text/x-shellscript", "text/cloud-config"}, when: []any{"hotplug", "boot"}},
		{name: "CRLF multipart", in: []byte(strings.ReplaceAll(userMultipart, "\n", "\r\n")),
			types: []string{"text/cloud-config", "text/x-shellscript", "text/cloud-config"}, when: []any{"hotplug", "boot"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := cloudinit.NetworkEveryBoot(tc.in)
			require.NoError(t, err)
			type read struct {
				Types  []string       `json:"types"`
				Config map[string]any `json:"config"`
			}
			readBack := func(data []byte) read {
				p := filepath.Join(dir, "user-data")
				require.NoError(t, os.WriteFile(p, data, 0o600))
				res, err := exec.Command(python, script, p).Output()
				require.NoError(t, err, "%s", errOutput(err))
				var got read
				require.NoError(t, json.Unmarshal(res, &got), "%s", res)
				return got
			}
			got := readBack(out)
			assert.Equal(t, tc.types, got.Types)
			u, _ := got.Config["updates"].(map[string]any)
			n, _ := u["network"].(map[string]any)
			assert.Equal(t, tc.when, n["when"], "merged config: %v", got.Config)
			// Apart from updates, cloud-init reads the same config as
			// from the input (PyYAML, YAML 1.1: yes, 0755, 12:30:00).
			before := readBack(tc.in).Config
			if before == nil {
				before = map[string]any{}
			}
			delete(before, "updates")
			delete(got.Config, "updates")
			assert.Equal(t, before, got.Config)
		})
	}
}

func errOutput(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
