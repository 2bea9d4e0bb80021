package guestcheck_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/guestnet/guestnet/netconfig/guestcheck"
)

func TestCondition(t *testing.T) {
	ok := v("a", guestcheck.AsAsked, "eth0 has 10.0.0.1")
	skipped := guestcheck.Verdict{Network: "s", Kind: guestcheck.NotConfigured, Why: guestcheck.WhySkipped}
	tests := []struct {
		name     string
		verdicts []guestcheck.Verdict
		status   metav1.ConditionStatus
		reason   string
		message  string
	}{
		{"all as asked", []guestcheck.Verdict{ok, skipped}, metav1.ConditionTrue, "AsAsked",
			"the guest reports every configured network as asked (1)"},
		{"nothing configured", []guestcheck.Verdict{skipped}, metav1.ConditionTrue, "AsAsked", "guestnet configures no network"},
		{"no verdicts", nil, metav1.ConditionTrue, "AsAsked", "guestnet configures no network"},
		{"one differs", []guestcheck.Verdict{ok, v("b", guestcheck.Different, "eth1 has 10.0.0.7, not 10.0.0.2")}, metav1.ConditionFalse, "AddressesDiffer",
			"differ from what was asked: b (eth1 has 10.0.0.7, not 10.0.0.2)"},
		{"differ and missing, sorted by name", []guestcheck.Verdict{
			v("z", guestcheck.Missing, "no interface with MAC 02:00:00:00:00:09 is reported"),
			v("c", guestcheck.Different, "10.0.0.3 is on eth0"),
			v("b", guestcheck.Different, "eth1 has 10.0.0.7, not 10.0.0.2"),
			v("u", guestcheck.Unknown, "not yet"),
		}, metav1.ConditionFalse, "AddressesDiffer",
			"differ from what was asked: b (eth1 has 10.0.0.7, not 10.0.0.2), c (10.0.0.3 is on eth0); " +
				"missing: z (no interface with MAC 02:00:00:00:00:09 is reported); not reported by the guest agent: u (not yet)"},
		{"missing", []guestcheck.Verdict{ok, v("m", guestcheck.Missing, "eth1: 10.0.0.2 is not reported")}, metav1.ConditionFalse, "AddressesMissing",
			"missing: m (eth1: 10.0.0.2 is not reported)"},
		{"unknown", []guestcheck.Verdict{ok, v("u", guestcheck.Unknown, "the guest agent reported no interface")}, metav1.ConditionUnknown, "GuestAgentUnavailable",
			"not reported by the guest agent: u (the guest agent reported no interface)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := guestcheck.Condition(tt.verdicts, 7)
			assert.Equal(t, metav1.Condition{Type: "GuestNetworkConfigured", Status: tt.status, Reason: tt.reason, Message: tt.message, ObservedGeneration: 7}, c)
		})
	}
}

// A message past the limit of metav1.Condition is cut short.
func TestConditionMessageIsBounded(t *testing.T) {
	var vs []guestcheck.Verdict
	for i := 0; i < 400; i++ {
		vs = append(vs, v(strings.Repeat("n", 100)+string(rune('a'+i%26)), guestcheck.Different, strings.Repeat("é", 50)))
	}
	c := guestcheck.Condition(vs, 1)
	assert.LessOrEqual(t, len(c.Message), 32768)
	assert.Greater(t, len(c.Message), 32768-8)
	assert.True(t, utf8.ValidString(c.Message), "cut inside a character")
	assert.True(t, strings.HasSuffix(c.Message, "..."))
}

// meta.SetStatusCondition, the standard way to set a condition, keeps the
// LastTransitionTime while the status does not change, and reports no
// change when the verdicts do not change.
func TestSetStatusConditionKeepsTransitionTime(t *testing.T) {
	var conditions []metav1.Condition
	missing := []guestcheck.Verdict{v("m", guestcheck.Missing, "eth1: 10.0.0.2 is not reported")}
	require.True(t, meta.SetStatusCondition(&conditions, guestcheck.Condition(missing, 1)))
	first := conditions[0].LastTransitionTime
	require.False(t, first.IsZero())
	conditions[0].LastTransitionTime = metav1.NewTime(first.Add(-time.Hour)) // as if set an hour ago
	set := conditions[0].LastTransitionTime

	assert.False(t, meta.SetStatusCondition(&conditions, guestcheck.Condition(missing, 1)), "same verdicts, no change")
	assert.Equal(t, set, conditions[0].LastTransitionTime)

	assert.True(t, meta.SetStatusCondition(&conditions, guestcheck.Condition([]guestcheck.Verdict{v("m", guestcheck.AsAsked, "eth1 has 10.0.0.2")}, 2)))
	assert.Equal(t, metav1.ConditionTrue, conditions[0].Status)
	assert.NotEqual(t, set, conditions[0].LastTransitionTime, "the status changed")
}
