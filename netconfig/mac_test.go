package netconfig_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/guestnet/guestnet/netconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestParseMAC(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "02:00:00:aa:bb:cc", want: "02:00:00:aa:bb:cc"},
		{in: "02:00:00:AA:BB:CC", want: "02:00:00:aa:bb:cc"},
		{in: "02-00-00-aa-bb-cc", want: "02:00:00:aa:bb:cc"},
		{in: "52:54:00:12:34:56", want: "52:54:00:12:34:56"},
		{in: "", wantErr: "six pairs"},
		{in: "02:00:00:aa:bb", wantErr: "six pairs"},
		{in: "02:00:00-aa:bb:cc", wantErr: "separators must all be ':'"},
		{in: "02.00.00.aa.bb.cc", wantErr: "six pairs"},
		{in: "0g:00:00:aa:bb:cc", wantErr: `"0g" is not a pair of hex digits`},
		{in: "0200.00aa.bbcc.x", wantErr: "six pairs"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := netconfig.ParseMAC(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Contains(t, err.Error(), tt.in, "the error names the value")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.String())
		})
	}
}

func TestMACProblem(t *testing.T) {
	assert.Contains(t, netconfig.MAC{}.Problem(), "all-zero")
	assert.Contains(t, netconfig.MustParseMAC("ff:ff:ff:ff:ff:ff").Problem(), "broadcast")
	assert.Contains(t, netconfig.MustParseMAC("01:00:5e:00:00:fb").Problem(), "multicast")
	assert.Empty(t, netconfig.MustParseMAC("02:00:00:00:00:01").Problem())
	assert.True(t, netconfig.MustParseMAC("02:00:00:00:00:01").IsLocallyAdministered())
	assert.False(t, netconfig.MustParseMAC("00:1b:21:00:00:01").IsLocallyAdministered())
}

func TestMACStringParseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var m netconfig.MAC
		copy(m[:], rapid.SliceOfN(rapid.Byte(), 6, 6).Draw(t, "mac"))
		if !m.IsValid() {
			assert.Empty(t, m.String())
			return
		}
		back, err := netconfig.ParseMAC(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, back)
	})
}

// macSyntax is ParseMAC's syntax written as regular expressions: six pairs
// of hex digits, in either case, separated throughout by ':' or by '-'.
var macSyntax = []*regexp.Regexp{
	regexp.MustCompile(`^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$`),
	regexp.MustCompile(`^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){5}$`),
}

// FuzzParseMAC checks ParseMAC against its syntax and against the standard
// library. The invariants: ParseMAC never panics; it accepts exactly the
// strings macSyntax matches; what it accepts is the MAC net.ParseMAC reads
// from the same string, and String gives the input in lower case with ':'
// (the empty string for the all-zero MAC, which is the unset value), which
// ParseMAC reads back as the same MAC; on error it returns the zero MAC and
// an error that quotes the input.
func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{
		"02:00:00:aa:bb:cc", "02-00-00-AA-BB-CC", "", "zz:zz:zz:zz:zz:zz", "02:00:00:aa:bb:c\n",
		"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "02:00-00:aa:bb:cc", "0200.00aa.bbcc", "02:00:00:aa:bb:cc:dd:ee",
		"+2:00:00:aa:bb:cc", " 2:00:00:aa:bb:cc", "52:54:00:12:34:56", "\xff\xfe:00:00:aa:bb:cc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := netconfig.ParseMAC(s)
		want := macSyntax[0].MatchString(s) || macSyntax[1].MatchString(s)
		if err != nil {
			if want {
				t.Fatalf("ParseMAC(%q) refused a well-formed MAC: %v", s, err)
			}
			if m != (netconfig.MAC{}) {
				t.Fatalf("ParseMAC(%q) = %v with an error", s, m)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("ParseMAC(%q): the error %q does not quote the input", s, err)
			}
			return
		}
		if !want {
			t.Fatalf("ParseMAC(%q) accepted a malformed MAC as %v", s, m)
		}
		hw, err := net.ParseMAC(s)
		if err != nil || !bytes.Equal(hw, m[:]) {
			t.Fatalf("ParseMAC(%q) = %v, net.ParseMAC = %v, %v", s, m, hw, err)
		}
		if !m.IsValid() {
			if m.String() != "" || strings.Trim(s, "0:-") != "" {
				t.Fatalf("ParseMAC(%q) = the unset MAC, String %q", s, m.String())
			}
			return
		}
		if want := strings.ToLower(strings.ReplaceAll(s, "-", ":")); m.String() != want {
			t.Fatalf("ParseMAC(%q).String() = %q, want %q", s, m.String(), want)
		}
		back, err := netconfig.ParseMAC(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMAC(%q) = %v, which does not round-trip: %v, %v", s, m, back, err)
		}
	})
}

// MAC is text in JSON, YAML and any encoder that honours these.
var (
	_ encoding.TextMarshaler   = netconfig.MAC{}
	_ encoding.TextAppender    = netconfig.MAC{}
	_ encoding.TextUnmarshaler = (*netconfig.MAC)(nil)
)

// TestMACTextRoundTrip: MarshalText writes String's text, AppendText
// appends it to what the buffer held, and UnmarshalText reads it back as
// the same MAC (the zero MAC as empty text, and back).
func TestMACTextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var m netconfig.MAC
		copy(m[:], rapid.SliceOfN(rapid.Byte(), 6, 6).Draw(t, "mac"))
		text, err := m.MarshalText()
		require.NoError(t, err)
		require.Equal(t, m.String(), string(text))
		prefix := []byte(rapid.StringN(0, 4, 4).Draw(t, "prefix"))
		appended, err := m.AppendText(bytes.Clone(prefix))
		require.NoError(t, err)
		require.Equal(t, string(prefix)+m.String(), string(appended))
		back := netconfig.MAC{0xff} // UnmarshalText overwrites what was there
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, m, back)
	})
}

func TestMACUnmarshalText(t *testing.T) {
	var m netconfig.MAC
	require.NoError(t, m.UnmarshalText([]byte("02-00-00-AA-BB-CC")))
	assert.Equal(t, netconfig.MustParseMAC("02:00:00:aa:bb:cc"), m)
	err := m.UnmarshalText([]byte("02:00:00:aa:bb"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "six pairs")
	assert.Equal(t, netconfig.MustParseMAC("02:00:00:aa:bb:cc"), m, "a failed UnmarshalText leaves the MAC as it was")

	js, err := json.Marshal(struct{ MAC netconfig.MAC }{m})
	require.NoError(t, err)
	assert.Equal(t, `{"MAC":"02:00:00:aa:bb:cc"}`, string(js))
	var back struct{ MAC netconfig.MAC }
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, m, back.MAC)
}
