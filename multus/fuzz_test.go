package multus

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/netplan"
)

// FuzzParseNetworkStatus checks that ParseNetworkStatus never panics, that
// it returns no entries with an error, which then is a field.Error at the
// annotation's path saying what was wanted (or that it is too long), and
// that what it accepts survives a round trip: marshalled and parsed again
// it gives the same JSON and the same value. (The first parse may differ
// from the second in the one way that JSON cannot tell: an empty list, such
// as "ips": [], comes back as a missing one, because the type's fields are
// omitempty.) NetworkStatusFromPod must agree with it on a pod carrying the
// annotation, wrapping its error with the pod's name.
//
// The entries accepted then go through a StatusIndex, over a VM with the
// pod network (a Multus default network when the first entry is the default
// one and names an attachment), a Multus network per attachment the entries name and a
// network of unspecified source per entry that names none. It must not
// panic, and every status it returns must be one of the entries
// (converted), fit the network's rules (the default entry for the primary
// network only, the network's own attachment for a Multus network, one of
// its pod interface names for a network of unspecified source), be a copy
// that the caller may change, and not be given to two networks unless the
// annotation holds two such entries. netconfig.Build with that resolver
// must fail only with field errors, and otherwise write YAML that parses
// back into its Config.
//
// Each input is also read as a list of keys, one a line, and put into an
// object as checkDuplicateKeys states: ParseNetworkStatus must find
// exactly the keys that repeat one before them.
func FuzzParseNetworkStatus(f *testing.F) {
	for _, seed := range []string{
		launcherStatus,
		"",
		" \n",
		"null",
		"[]",
		"[{}]",
		`[{"name":"vms/l2-net"}]`,
		`[{"name":"vms/ext-net","interface":"net1","ips":[],"dns":{"nameservers":[]}}]`,
		`[{"name":"vms/sriov-net","interface":"net1","mtu":9000,"gateway":["192.168.10.1"],"device-info":{"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:81:00.2"}}}]`,
		`[{"name":"vms/ext-net","interface":"net1","mtu":-1,"gateway":["10.0.0.1/24","fd00::1",""],"device-info":{"type":"vdpa","vdpa":{"pci-address":"0000:81:00.3"}}}]`,
		`[{"name":"vms/ext-net","future":{"nested":[1,2,{"x":null}]}}]`,
		`[{"NAME":"case-insensitive keys","Interface":"net1"}]`,
		// A Multus default network's entry, then ordinal secondaries
		// (kubevirt/kubevirt pkg/network/namescheme/networknamescheme_test.go,
		// "ordinal, when default multus networks exist").
		`[{"name":"vms/default-net","interface":"eth0","default":true},{"name":"vms/ext-net","interface":"net1"},{"name":"vms/ext-net","interface":"net2"}]`,
		"[{\"name\":\"\xff\xfe invalid UTF-8\"}]",
		`[{"name":"vms/ext-net"`,
		`{"name":"vms/ext-net"}`,
		`["vms/ext-net"]`,
		`[{"name":"vms/ext-net","mtu":1e99}]`,
		`[{"default":"true"}]`,
		`[{"name":"k8s-pod-network","interface":"eth0","default":true},{"name":"ext-net","interface":"podb1f51a511f1","mac":"02:00:00:00:00:02","ips":["10.0.0.2","fd00::2","10.0.0.3/24"]},{"name":"vms/ext-net","interface":"net2","mac":"02:00:00:00:00:03"}]`,
		`[{"name":"a","default":true},{"name":"b","default":true},{"interface":"net1"},{"interface":"net1"}]`,
		`[{"name":"ext","interface":"net1","mac":"01:00:5e:00:00:01"},{"name":"ext","interface":"net1","mac":"01:00:5e:00:00:01"}]`,
		// Lists of keys, for checkDuplicateKeys.
		"name\nName",
		"ips\nmac\nip\u017f",
		"k\nK\n\u212a",
		"\n",
		"na\"me\nna\\me\nNA\"ME\n{\n}\n[\n,",
		"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\nQ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, annotation string) {
		checkDuplicateKeys(t, annotation)
		got, err := ParseNetworkStatus(annotation)
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "vms", Annotations: map[string]string{nadv1.NetworkStatusAnnot: annotation}}}
		fromPod, podErr := NetworkStatusFromPod(pod)
		if err != nil {
			require.Nil(t, got, "entries returned with an error")
			var fe *field.Error
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "metadata.annotations["+nadv1.NetworkStatusAnnot+"]", fe.Field)
			if fe.Type != field.ErrorTypeTooLong {
				require.Equal(t, field.ErrorTypeInvalid, fe.Type)
				require.True(t, strings.HasPrefix(fe.Detail, "want a JSON array of network status objects: "), "%q", err)
			}
			require.Nil(t, fromPod)
			require.EqualError(t, podErr, "pod vms/p: "+err.Error())
			return
		}
		require.NoError(t, podErr)
		require.Equal(t, got, fromPod, "NetworkStatusFromPod and ParseNetworkStatus disagree")
		checkIndex(t, got)
		first, err := json.Marshal(got)
		require.NoError(t, err)
		again, err := ParseNetworkStatus(string(first))
		require.NoError(t, err, "re-parsing %s", first)
		second, err := json.Marshal(again)
		require.NoError(t, err)
		require.Equal(t, string(first), string(second), "a round trip changed the JSON")
		third, err := ParseNetworkStatus(string(second))
		require.NoError(t, err)
		require.Equal(t, again, third, "a second round trip changed the value")
	})
}

// checkDuplicateKeys reads the first 4 KiB of text, made valid UTF-8, as a
// list of keys, one a line, and writes them into one object, in turn as an
// entry, a field's value and an array's element, as json.Marshal quotes
// them and with every character escaped. ParseNetworkStatus must accept
// each annotation if no two of the keys are the same to encoding/json
// (strings.EqualFold), and otherwise name the first key that repeats one
// before it, the path of the object, and the byte just after the key.
func checkDuplicateKeys(t *testing.T, text string) {
	keys := strings.Split(strings.ToValidUTF8(text[:min(len(text), 4<<10)], "\ufffd"), "\n")
	first, repeat := -1, -1
	for j := 1; j < len(keys) && repeat < 0; j++ {
		for i := range j {
			if strings.EqualFold(keys[i], keys[j]) {
				first, repeat = i, j
				break
			}
		}
	}
	for _, place := range []struct {
		before, value, after, path string
	}{
		{`[{},`, `null`, `]`, "entry 1"},
		{`[{"name":"a","x-keys":`, `"k"`, `}]`, "entry 0.x-keys"},
		{`[{"x":[[],{},`, `{"name":[{"name":1}]}`, `]}]`, "entry 0.x[2]"},
	} {
		for _, quote := range []func(string) string{marshalKey, escapeKey} {
			var b strings.Builder
			b.WriteString(place.before + "{")
			ends := make([]int, len(keys))
			for i, k := range keys {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(quote(k))
				ends[i] = b.Len()
				b.WriteString(":" + place.value)
			}
			b.WriteString("}" + place.after)
			annotation := b.String()
			_, err := ParseNetworkStatus(annotation)
			if repeat < 0 {
				require.NoError(t, err, "%s", annotation)
				continue
			}
			same := ""
			if keys[first] != keys[repeat] {
				same = fmt.Sprintf(" (as %q; keys are matched without regard to case)", keys[first])
			}
			var fe *field.Error
			require.ErrorAs(t, err, &fe, "%s", annotation)
			require.Equal(t, fmt.Sprintf("want a JSON array of network status objects: %s has the key %q twice%s (at byte %d)", place.path, keys[repeat], same, ends[repeat]), fe.Detail, "%s", annotation)
		}
	}
}

// marshalKey quotes key as json.Marshal does.
func marshalKey(key string) string {
	js, err := json.Marshal(key)
	if err != nil {
		panic(err)
	}
	return string(js)
}

// escapeKey quotes key with every character escaped, as \uXXXX or a
// UTF-16 surrogate pair of them.
func escapeKey(key string) string {
	var b strings.Builder
	b.WriteString(`"`)
	for _, u := range utf16.Encode([]rune(key)) {
		fmt.Fprintf(&b, `\u%04x`, u)
	}
	b.WriteString(`"`)
	return b.String()
}

// checkIndex checks a StatusIndex over statuses, as FuzzParseNetworkStatus
// states.
func checkIndex(t *testing.T, statuses []nadv1.NetworkStatus) {
	const namespace = "vms"
	r := NewStatusIndex(namespace, statuses)
	primary := netconfig.Network{Name: "default", Source: netconfig.SourcePod}
	if len(statuses) > 0 && statuses[0].Default && statuses[0].Name != "" {
		// The default entry names an attachment: take it for a Multus
		// default network's.
		primary = netconfig.Network{Name: "primary", Source: netconfig.SourceMultusDefault, NetworkName: statuses[0].Name}
	}
	spec := netconfig.Spec{Namespace: namespace, Networks: []netconfig.Network{primary}}
	converted := make([]netconfig.NetworkStatus, len(statuses))
	for k, s := range statuses {
		converted[k] = convert(namespace, s)
		if len(spec.Networks) > 16 {
			continue
		}
		n := netconfig.Network{Name: fmt.Sprintf("n%d", k), Binding: netconfig.BindingBridge, IPConfig: &netconfig.IPConfig{Mode: netconfig.ModeDHCP}}
		if s.Name != "" {
			n.Source, n.NetworkName = netconfig.SourceMultus, s.Name
		}
		spec.Networks = append(spec.Networks, n)
	}

	got := r.NetworkStatuses(spec.Networks)
	given := make([]*netconfig.NetworkStatus, len(spec.Networks))
	ordinal := 0
	for i, n := range spec.Networks {
		pod := n.IsPrimary()
		if !pod {
			ordinal++
		}
		st, ok := got[n.Name]
		if !ok {
			continue
		}
		require.Contains(t, converted, st, "networks[%d] got a status that is no entry", i)
		switch {
		case pod:
			require.True(t, st.Default, "the pod network got an entry not marked default")
		case n.Source == netconfig.SourceMultus:
			require.False(t, st.Default, "networks[%d] got the default entry", i)
			require.Equal(t, netconfig.QualifyAttachment(namespace, n.NetworkName), st.NetworkName, "networks[%d] got another attachment's entry", i)
		default:
			require.False(t, st.Default, "networks[%d] got the default entry", i)
			require.Contains(t, []string{PodInterfaceName(n.Name), OrdinalInterfaceName(ordinal)}, st.Interface, "networks[%d]", i)
		}
		given[i] = &st
	}
	for i := range given {
		for j := i + 1; j < len(given); j++ {
			if given[i] == nil || given[j] == nil || spec.Networks[i].IsPrimary() || spec.Networks[j].IsPrimary() || !reflect.DeepEqual(*given[i], *given[j]) {
				continue
			}
			same := 0
			for _, c := range converted {
				if reflect.DeepEqual(c, *given[i]) {
					same++
				}
			}
			require.Greater(t, same, 1, "networks[%d] and networks[%d] were given the same entry", i, j)
		}
	}
	for _, st := range got {
		for j := range st.IPs {
			st.IPs[j] = netip.IPv6Loopback()
		}
		for j := range st.Gateways {
			st.Gateways[j] = netip.IPv6Loopback()
		}
	}
	again := r.NetworkStatuses(spec.Networks)
	require.Len(t, again, len(got))
	for name, st := range again {
		require.Contains(t, converted, st, "network %s: the caller's change reached the index", name)
	}

	res, err := netconfig.Build(spec, netconfig.WithNetworkStatus(r))
	if err != nil {
		var invalid *netconfig.ValidationError
		require.ErrorAs(t, err, &invalid)
		for _, fe := range invalid.Errors {
			require.NotEmpty(t, fe.Field)
		}
		require.Equal(t, netconfig.Result{}, res)
		return
	}
	cfg, err := netplan.Parse(res.YAML)
	require.NoError(t, err, "%s", res.YAML)
	require.Equal(t, res.Config, cfg)
}
