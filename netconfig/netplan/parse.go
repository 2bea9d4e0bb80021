package netplan

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"
)

// Parse reads a netplan v2 network config, in the `network: {version: 2}`
// form or the bare `version: 2` form. It rejects duplicate keys, keys the
// model does not hold, and any version but 2.
func Parse(data []byte) (Config, error) {
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return Config{}, fmt.Errorf("netplan config: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil {
		return Config{}, fmt.Errorf("netplan config: the document must be a mapping: %w", err)
	}
	var c Config
	if _, wrapped := top["network"]; wrapped {
		err = decodeStrict(js, &c)
	} else {
		err = decodeStrict(js, &c.Network)
	}
	if err != nil {
		return Config{}, fmt.Errorf("netplan config: %w", err)
	}
	if c.Network.Version != 2 {
		return Config{}, fmt.Errorf("netplan config: network.version is %d, want 2", c.Network.Version)
	}
	return c, nil
}

func decodeStrict(js []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the document")
	}
	return nil
}
