package guestvm

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kubevirtv1 "kubevirt.io/api/core/v1"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/guestnet/guestnet/netconfig/guestcheck"
)

// agentDir holds the guest agents' replies recorded by TestGuests -update,
// one file per boot: agent/IMAGE/SCENARIO.json.
const agentDir = "testdata/agent"

// fakeAgent serves the guest agent's protocol on a UNIX socket at path, as
// qemu-guest-agent does behind QEMU's chardev: before its reply to
// guest-sync-delimited it writes a stale reply to an earlier sync, as an
// abandoned exchange leaves in the channel. reply is the return value of
// guest-network-get-interfaces, or an error object when it starts with
// "error:". It answers until the test ends.
func fakeAgent(t *testing.T, path, reply string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				dec := json.NewDecoder(bufio.NewReader(c))
				for {
					var cmd struct {
						Execute   string `json:"execute"`
						Arguments struct {
							ID int64 `json:"id"`
						} `json:"arguments"`
					}
					if dec.Decode(&cmd) != nil {
						return
					}
					switch cmd.Execute {
					case "guest-sync-delimited":
						fmt.Fprintf(c, "\xff{\"return\": %d}\n\xff{\"return\": %d}\n", cmd.Arguments.ID-7, cmd.Arguments.ID)
					case "guest-network-get-interfaces":
						if msg, ok := strings.CutPrefix(reply, "error:"); ok {
							fmt.Fprintf(c, `{"error": {"class": "GenericError", "desc": %q}}`+"\n", msg)
						} else {
							fmt.Fprintf(c, `{"return": %s}`+"\n", reply)
						}
					}
				}
			}()
		}
	}()
}

// agentReply is a guest-network-get-interfaces reply as qemu-guest-agent
// 7.2 writes it (statistics shortened).
const agentReply = `[
 {"name": "lo", "ip-addresses": [{"ip-address-type": "ipv4", "ip-address": "127.0.0.1", "prefix": 8}], "hardware-address": "00:00:00:00:00:00"},
 {"name": "enp1s0", "ip-addresses": [{"ip-address-type": "ipv4", "ip-address": "10.0.2.15", "prefix": 24},
   {"ip-address-type": "ipv6", "ip-address": "fe80::ff:fe00:1", "prefix": 64}], "hardware-address": "02:00:00:00:00:01", "statistics": {"rx-bytes": 1}},
 {"name": "enp2s0", "hardware-address": "02:00:00:aa:bb:cc"}
]`

func TestQueryAgent(t *testing.T) {
	t.Run("answers", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "qga.sock")
		fakeAgent(t, sock, agentReply)
		ifs, err := QueryAgent(t.Context(), sock, 5*time.Second)
		require.NoError(t, err)
		assert.Equal(t, []AgentInterface{
			{Name: "lo", HardwareAddress: "00:00:00:00:00:00", IPAddresses: []AgentIPAddress{{Type: "ipv4", Address: "127.0.0.1", Prefix: 8}}},
			{Name: "enp1s0", HardwareAddress: "02:00:00:00:00:01", IPAddresses: []AgentIPAddress{
				{Type: "ipv4", Address: "10.0.2.15", Prefix: 24}, {Type: "ipv6", Address: "fe80::ff:fe00:1", Prefix: 64}}},
			{Name: "enp2s0", HardwareAddress: "02:00:00:aa:bb:cc"},
		}, ifs)
	})
	t.Run("an error reply", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "qga.sock")
		fakeAgent(t, sock, "error:Command is disabled")
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		_, err := QueryAgent(ctx, sock, time.Second)
		assert.ErrorContains(t, err, "Command is disabled")
	})
	t.Run("gives up when nothing answers", func(t *testing.T) {
		dir := t.TempDir()
		// A listener that never answers, as QEMU's end of the channel
		// before the agent starts.
		l, err := net.Listen("unix", filepath.Join(dir, "qga.sock"))
		require.NoError(t, err)
		defer l.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err = QueryAgent(ctx, filepath.Join(dir, "qga.sock"), 500*time.Millisecond)
		assert.ErrorContains(t, err, "did not answer")
		assert.Less(t, time.Since(start), 15*time.Second, "the context bounds the query")
	})
}

// TestMachineRunAgent checks that Run asks the agent once the report is
// complete, then stops QEMU, with a fake QEMU that writes a report and
// never powers off.
func TestMachineRunAgent(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("Run puts QEMU in a new network namespace; as non-root that needs user namespaces, which this test does not assume")
	}
	tests := []struct {
		name, reply, err string
	}{
		{name: "the agent answers", reply: agentReply},
		{name: "the agent fails", reply: "error:no interfaces", err: "no interfaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeQEMU(t, "printf '%s\\n--- x\\naGkK\\n%s\\n' '"+reportBegin+"' '"+reportEnd+"' > \"$report\"\nexec sleep 600")
			dir := t.TempDir()
			fakeAgent(t, filepath.Join(dir, agentSocket), tt.reply)
			m := Machine{Image: Built{Kernel: "k", Initrd: "i", Disk: "d"}, Seed: "s", Dir: dir, Accel: AccelTCG,
				Timeout: time.Minute, Agent: true, AgentTimeout: 3 * time.Second}
			start := time.Now()
			boot, err := m.Run(t.Context())
			assert.Less(t, time.Since(start), 30*time.Second, "Run stops QEMU after the agent's reply")
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Len(t, boot.Agent, 3)
		})
	}
}

func TestMachineAgentArgs(t *testing.T) {
	m := Machine{Image: Built{Kernel: "k", Initrd: "i", Disk: "d"}, Seed: "s", Dir: "/d", Accel: AccelTCG,
		NICs: []NIC{{MAC: mac("02:00:00:00:00:01"), Kind: NetPod}}}
	assert.NotContains(t, m.Command(), "virtserialport")
	m.Agent = true
	args := m.args()
	i := slices.Index(args, "virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0")
	require.Positive(t, i, "the agent's port: %v", args)
	assert.Contains(t, args, "socket,id=qga0,path=/d/qga.sock,server=on,wait=off")
	assert.Greater(t, i, slices.Index(args, "virtio-net-pci,netdev=net0,mac=02:00:00:00:00:01,bus=rp1"), "after the NICs, which keep their buses")
}

type status = []kubevirtv1.VirtualMachineInstanceNetworkInterface

func TestStatusInterfaces(t *testing.T) {
	nics := []StatusNIC{
		{Name: "default", MAC: mac("02:00:00:00:00:01"), PodIPs: []string{"10.244.0.15"}},
		{Name: "external", MAC: mac("02:00:00:aa:bb:cc"), Multus: true},
		{Name: "dual", MAC: mac("02:00:00:00:00:03"), Multus: true, PodIPs: []string{"10.244.0.16", "fd00:10:244::16"}},
	}
	tests := []struct {
		name  string
		reply []AgentInterface
		want  status
	}{
		{
			name: "no agent",
			want: status{
				{Name: "default", MAC: "02:00:00:00:00:01", IP: "10.244.0.15", IPs: []string{"10.244.0.15"}, InfoSource: "domain"},
				{Name: "external", MAC: "02:00:00:aa:bb:cc", InfoSource: "domain, multus-status"},
				{Name: "dual", MAC: "02:00:00:00:00:03", IP: "10.244.0.16", IPs: []string{"10.244.0.16", "fd00:10:244::16"}, InfoSource: "domain, multus-status"},
			},
		},
		{
			name: "the agent's report",
			reply: []AgentInterface{
				{Name: "lo", HardwareAddress: "00:00:00:00:00:00", IPAddresses: []AgentIPAddress{{Type: "ipv4", Address: "127.0.0.1", Prefix: 8}}},
				// The pod's IPv4 stays: the agent reports IPv4 too.
				{Name: "enp1s0", HardwareAddress: "02:00:00:00:00:01", IPAddresses: []AgentIPAddress{
					{Type: "ipv6", Address: "fe80::ff:fe00:1", Prefix: 64}, {Type: "ipv4", Address: "10.0.2.15", Prefix: 24}}},
				// An alias is folded into its interface; IPv6 first, yet
				// ipAddress is the first IPv4 address.
				{Name: "enp2s0", HardwareAddress: "02:00:00:aa:bb:cc", IPAddresses: []AgentIPAddress{{Type: "ipv6", Address: "fd00::1", Prefix: 64}}},
				{Name: "enp2s0:1", HardwareAddress: "02:00:00:aa:bb:cc", IPAddresses: []AgentIPAddress{{Type: "ipv4", Address: "192.168.0.200", Prefix: 24}}},
				// No IPv4 from the agent clears the cache's IPv4.
				{Name: "enp3s0", HardwareAddress: "02:00:00:00:00:03", IPAddresses: []AgentIPAddress{{Type: "ipv6", Address: "fe80::3", Prefix: 64}}},
				// A NIC of no VM interface.
				{Name: "dummy0", HardwareAddress: "aa:00:00:00:00:09", IPAddresses: []AgentIPAddress{{Type: "ipv4", Address: "10.9.9.9", Prefix: 32}}},
			},
			want: status{
				{Name: "default", InterfaceName: "enp1s0", MAC: "02:00:00:00:00:01", IP: "10.244.0.15", IPs: []string{"10.244.0.15", "fe80::ff:fe00:1"}, InfoSource: "domain, guest-agent"},
				{Name: "external", InterfaceName: "enp2s0", MAC: "02:00:00:aa:bb:cc", IP: "192.168.0.200", IPs: []string{"192.168.0.200", "fd00::1"}, InfoSource: "domain, guest-agent, multus-status"},
				{Name: "dual", InterfaceName: "enp3s0", MAC: "02:00:00:00:00:03", IP: "fd00:10:244::16", IPs: []string{"fd00:10:244::16"}, InfoSource: "domain, guest-agent, multus-status"},
				{InterfaceName: "dummy0", MAC: "aa:00:00:00:00:09", IP: "10.9.9.9", IPs: []string{"10.9.9.9"}, InfoSource: "guest-agent"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, StatusInterfaces(nics, tt.reply))
		})
	}
}

// podIPs are the pod's addresses the harness gives virt-handler's cache
// for the pod network: IPv4, and IPv6 when the pod network's IP config
// asks for IPv6 (a dual-stack cluster, as masquerade's IPv6 needs).
func podIPs(n netconfig.Network) []string {
	ips := []string{"10.244.0.15"}
	c := n.IPConfig
	if c == nil {
		return ips
	}
	v6 := c.DHCP6 || (c.IPv6Mode != "" && c.IPv6Mode != netconfig.ModeNone)
	for _, p := range c.Addresses {
		v6 = v6 || p.Addr().Is6()
	}
	if v6 {
		ips = append(ips, "fd00:10:244::15")
	}
	return ips
}

// statusNICs are the NICs of a scenario's VM as virt-handler knows them.
func statusNICs(spec netconfig.Spec, nics []NIC) []StatusNIC {
	out := make([]StatusNIC, len(spec.Networks))
	for i, n := range spec.Networks {
		out[i] = StatusNIC{Name: n.Name, MAC: nics[i].MAC, Multus: n.Source == netconfig.SourceMultus}
		if n.Source == netconfig.SourcePod {
			out[i].PodIPs = podIPs(n)
		}
	}
	return out
}

// addressConstructs are the constructs that put addresses on a NIC or
// find the NIC: the ones guestcheck.Verify judges.
var addressConstructs = []Construct{PodDHCP4, SecondaryDHCP4, StaticIPv4, StaticIPv6, SLAAC, IPv6Off, MACRename, NameFallback}

// expectedVerdicts are the verdicts the scenario's rows for column let
// Verify give each network: NotConfigured for what guestnet wrote nothing
// for; AsAsked when every address construct of the network was applied;
// Missing when its NIC was not found (by MAC or by name); else Missing or
// Different, depending on what else the NIC holds.
func expectedVerdicts(t *testing.T, sc scenario, column string, res netconfig.Result) map[string][]guestcheck.Kind {
	require.Contains(t, columnNames(), column, "column %s has no place in the rows", column)
	out := map[string][]guestcheck.Kind{}
	for _, ifc := range res.Interfaces {
		if !ifc.Configured {
			out[ifc.Network] = []guestcheck.Kind{guestcheck.NotConfigured}
			continue
		}
		want := []guestcheck.Kind{guestcheck.AsAsked}
		for _, r := range sc.rows {
			if r.network != ifc.Network || !slices.Contains(addressConstructs, r.construct) {
				continue
			}
			o, err := r.outcome(column)
			if err != nil {
				t.Errorf("%s: %v", sc.name, err)
				continue
			}
			switch {
			case o == "-":
			case strings.HasPrefix(o, string(Applied)):
			case r.construct == MACRename || r.construct == NameFallback:
				want = []guestcheck.Kind{guestcheck.Missing}
			case want[0] == guestcheck.AsAsked:
				want = []guestcheck.Kind{guestcheck.Missing, guestcheck.Different}
			}
		}
		out[ifc.Network] = want
	}
	return out
}

// checkVerdicts turns an agent reply into the VMI status KubeVirt would
// show, runs guestcheck.Verify on it and checks each verdict against the
// scenario's rows for column.
func checkVerdicts(t *testing.T, column string, sc scenario, reply []AgentInterface) {
	t.Helper()
	spec, opts, nics := sc.networks(t)
	res, err := netconfig.Build(spec, opts...)
	require.NoError(t, err)
	st := StatusInterfaces(statusNICs(spec, nics), reply)
	verdicts := guestcheck.Verify(res, st)
	want := expectedVerdicts(t, sc, column, res)
	require.Len(t, verdicts, len(want))
	for _, v := range verdicts {
		t.Logf("verdict %s/%s %s: %s (%s)", column, sc.name, v.Network, v.Kind, v.Detail)
		assert.Contains(t, want[v.Network], v.Kind, "verdict on %s in %s/%s: %s\n--- status.interfaces: %+v", v.Network, column, sc.name, v.Detail, st)
	}
}

// TestAgentReplies replays the guest agents' replies recorded by
// TestGuests -update: each boot of testdata/guests.json has one, and
// Verify, given the VMI status KubeVirt makes of it, gives the verdicts
// that the scenario's rows for that image allow.
func TestAgentReplies(t *testing.T) {
	rs, err := ReadResults(guestsResults)
	require.NoError(t, err)
	byName := map[string]scenario{}
	for _, sc := range scenarios() {
		byName[sc.name] = sc
	}
	require.NotEmpty(t, rs.Runs)
	for _, run := range rs.Runs {
		t.Run(run.Column+"/"+run.Scenario, func(t *testing.T) {
			sc, ok := byName[run.Scenario]
			require.True(t, ok, "scenario %s", run.Scenario)
			b, err := os.ReadFile(filepath.Join(agentDir, run.Column, run.Scenario+".json"))
			require.NoError(t, err, "every recorded boot has its agent reply")
			var reply []AgentInterface
			require.NoError(t, json.Unmarshal(b, &reply))
			require.NotEmpty(t, reply, "the agent reported interfaces")
			checkVerdicts(t, run.Column, sc, reply)
		})
	}
}

// writeAgentReply records a boot's agent reply for TestAgentReplies.
func writeAgentReply(t *testing.T, column, scenario string, reply []AgentInterface) {
	t.Helper()
	b, err := json.MarshalIndent(reply, "", "  ")
	require.NoError(t, err)
	dir := filepath.Join(agentDir, column)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, scenario+".json"), append(b, '\n'), 0o644))
}
