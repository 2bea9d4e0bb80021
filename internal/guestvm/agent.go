package guestvm

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// AgentInterface is one interface of qemu-guest-agent's reply to
// guest-network-get-interfaces (QEMU's qga/qapi-schema.json,
// GuestNetworkInterface), without its statistics, which KubeVirt does not
// read.
type AgentInterface struct {
	// Name is the guest's name for the interface, as "enp1s0".
	Name string `json:"name"`
	// HardwareAddress is its MAC, lower case with colons; empty for
	// interfaces without one.
	HardwareAddress string `json:"hardware-address,omitempty"`
	// IPAddresses are its addresses, IPv6 link-local ones included.
	IPAddresses []AgentIPAddress `json:"ip-addresses,omitempty"`
}

// AgentIPAddress is one address of an AgentInterface (GuestIpAddress).
type AgentIPAddress struct {
	// Type is "ipv4" or "ipv6".
	Type string `json:"ip-address-type"`
	// Address is the address, without prefix length.
	Address string `json:"ip-address"`
	// Prefix is the prefix length.
	Prefix int `json:"prefix"`
}

// agentSocket is the name, in Machine.Dir, of the UNIX socket QEMU
// listens on for the agent's channel.
const agentSocket = "qga.sock"

// agentPort is the virtio-serial port name qemu-guest-agent opens in the
// guest (/dev/virtio-ports/org.qemu.guest_agent.0), the name libvirt gives
// the channel of KubeVirt's domains.
const agentPort = "org.qemu.guest_agent.0"

// QueryAgent asks the guest agent listening behind socket (QEMU's end of
// the agent's virtio-serial channel) for guest-network-get-interfaces, as
// virt-launcher's agent poller does through libvirt: it first sends
// guest-sync-delimited with a fresh id and reads up to the reply with that
// id, which skips whatever an earlier, abandoned exchange left in the
// channel, then sends the command. An agent that has not started yet
// answers nothing; QueryAgent tries again every second, each try bounded by
// try, until ctx is done.
func QueryAgent(ctx context.Context, socket string, try time.Duration) ([]AgentInterface, error) {
	var last error
	for id := int64(time.Now().UnixNano() % 1e9); ; id++ {
		ifs, err := queryAgentOnce(ctx, socket, id, try)
		if err == nil {
			return ifs, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("guestvm: the guest agent did not answer: %w (last try: %v)", ctx.Err(), last)
		case <-time.After(time.Second):
		}
	}
}

// agentError is the error member of a guest agent reply.
type agentError struct {
	Class string `json:"class"`
	Desc  string `json:"desc"`
}

// queryAgentOnce is one try of QueryAgent.
func queryAgentOnce(ctx context.Context, socket string, id int64, try time.Duration) ([]AgentInterface, error) {
	ctx, cancel := context.WithTimeout(ctx, try)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	if err := c.SetDeadline(deadline); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if _, err := fmt.Fprintf(c, `{"execute":"guest-sync-delimited","arguments":{"id":%d}}`+"\n", id); err != nil {
		return nil, err
	}
	var src io.Reader = c
	var dec *json.Decoder
	for {
		// The agent writes 0xFF before its reply to guest-sync-delimited.
		r := bufio.NewReader(src)
		if _, err := r.ReadBytes(0xff); err != nil {
			return nil, fmt.Errorf("waiting for the reply to guest-sync-delimited: %w", err)
		}
		dec = json.NewDecoder(r)
		var sync struct {
			Return *int64      `json:"return"`
			Error  *agentError `json:"error"`
		}
		if err := dec.Decode(&sync); err != nil {
			return nil, fmt.Errorf("reading the reply to guest-sync-delimited: %w", err)
		}
		if sync.Error != nil {
			return nil, fmt.Errorf("guest-sync-delimited: %s: %s", sync.Error.Class, sync.Error.Desc)
		}
		if sync.Return != nil && *sync.Return == id {
			break
		}
		// A reply to an earlier exchange: read on, from what the decoder
		// has buffered.
		src = io.MultiReader(dec.Buffered(), r)
	}
	if _, err := fmt.Fprint(c, `{"execute":"guest-network-get-interfaces"}`+"\n"); err != nil {
		return nil, err
	}
	var reply struct {
		Return *[]AgentInterface `json:"return"`
		Error  *agentError       `json:"error"`
	}
	if err := dec.Decode(&reply); err != nil {
		return nil, fmt.Errorf("reading the reply to guest-network-get-interfaces: %w", err)
	}
	switch {
	case reply.Error != nil:
		return nil, fmt.Errorf("guest-network-get-interfaces: %s: %s", reply.Error.Class, reply.Error.Desc)
	case reply.Return == nil:
		return nil, errors.New("guest-network-get-interfaces: a reply without return")
	}
	return *reply.Return, nil
}
