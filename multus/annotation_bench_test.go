package multus_test

import (
	"encoding/json"
	"fmt"
	"testing"

	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"

	"github.com/guestnet/guestnet/multus"
)

// benchAnnotation is the network-status annotation of a virt-launcher pod
// with the pod network and the given number of Multus networks, as
// internal/bench's reconcile step reads it: Multus writes every entry with
// a name, an interface, a MAC and an empty dns.
func benchAnnotation(secondaries int) string {
	statuses := []nadv1.NetworkStatus{{Name: "ovn-kubernetes", Interface: "eth0", IPs: []string{"10.244.0.5"}, Mac: "0a:58:0a:f4:00:05", Default: true}}
	for i := 1; i <= secondaries; i++ {
		statuses = append(statuses, nadv1.NetworkStatus{
			Name:      fmt.Sprintf("vms/net%d-nad", i),
			Interface: multus.PodInterfaceName(fmt.Sprintf("net%d", i)),
			Mac:       fmt.Sprintf("02:00:00:00:%02x:%02x", byte(i>>8), byte(i)),
		})
	}
	js, err := json.Marshal(statuses)
	if err != nil {
		panic(err)
	}
	return string(js)
}

// BenchmarkParseNetworkStatus benchmarks ParseNetworkStatus against its
// floor, one json.Unmarshal of the same annotation into the same type,
// interleaved, on the annotations of a pod with 5 and 65 networks.
func BenchmarkParseNetworkStatus(b *testing.B) {
	for _, entries := range []int{5, 65} {
		annotation := benchAnnotation(entries - 1)
		for _, impl := range []struct {
			name  string
			parse func(string) error
		}{
			{"guestnet", func(s string) error { _, err := multus.ParseNetworkStatus(s); return err }},
			{"unmarshal", func(s string) error { var st []nadv1.NetworkStatus; return json.Unmarshal([]byte(s), &st) }},
		} {
			b.Run(fmt.Sprintf("entries=%d/impl=%s", entries, impl.name), func(b *testing.B) {
				b.SetBytes(int64(len(annotation)))
				b.ReportAllocs()
				for b.Loop() {
					if err := impl.parse(annotation); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
