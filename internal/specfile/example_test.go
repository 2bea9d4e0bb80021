package specfile_test

import (
	"errors"
	"fmt"

	"github.com/guestnet/guestnet/internal/specfile"
	"github.com/guestnet/guestnet/netconfig"
)

// The seed's network list parses as it stands.
func ExampleParse() {
	spec, err := specfile.Parse([]byte(`
networks:
  - name: external
    type: bridge
    ipConfig:
      mode: static
      address: "192.168.0.200/24"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	n := spec.Networks[0]
	fmt.Println(n.Name, n.Binding, n.IPConfig.Mode, n.IPConfig.Addresses)
	// Output:
	// external bridge static [192.168.0.200/24]
}

// Every problem is reported at once, each with the path of its field.
func ExampleParse_errors() {
	_, err := specfile.Parse([]byte(`
networks:
  - name: external
    macAddress: "02:00:00:aa:bb"
    ipConfig:
      mode: static
      adress: 192.168.0.200/24
      gateways: [192.168.0.1/24]
`))
	var invalid *netconfig.ValidationError
	if errors.As(err, &invalid) {
		for _, fe := range invalid.Errors {
			fmt.Println(fe)
		}
	}
	// Output:
	// networks[0].ipConfig.adress: Forbidden: unknown field; did you mean "address"?; the fields here are mode, ipv6Mode, address, addresses, gateway, gateways, dhcp6, nameservers, routes, mtu
	// networks[0].macAddress: Invalid value: "02:00:00:aa:bb": not a MAC address: want six pairs of hex digits separated by ':' or '-', such as 02:00:00:aa:bb:cc
	// networks[0].ipConfig.gateways[0]: Invalid value: "192.168.0.1/24": an address without a prefix length is wanted here: write 192.168.0.1
}

// Format writes the list forms, which Parse reads back.
func ExampleFormat() {
	spec, err := specfile.Parse([]byte(`
- name: external
  type: bridge
  ipConfig: {mode: static, address: 192.168.0.200/24, gateway: 192.168.0.1}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := specfile.Format(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// networks:
	//   - name: "external"
	//     binding: "bridge"
	//     ipConfig:
	//       mode: "static"
	//       addresses:
	//         - "192.168.0.200/24"
	//       gateways:
	//         - "192.168.0.1"
}
