package guestcheck

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConditionType is the type of the condition that Condition returns.
const ConditionType = "GuestNetworkConfigured"

// The reasons of the condition, one per verdict that decides it.
const (
	// ReasonAsAsked: every configured network is as asked (True).
	ReasonAsAsked = "AsAsked"
	// ReasonAddressesDiffer: some network is Different (False).
	ReasonAddressesDiffer = "AddressesDiffer"
	// ReasonAddressesMissing: some network is Missing, none Different
	// (False).
	ReasonAddressesMissing = "AddressesMissing"
	// ReasonGuestAgentUnavailable: some network is Unknown, none Different
	// or Missing (Unknown).
	ReasonGuestAgentUnavailable = "GuestAgentUnavailable"
)

// Condition sums verdicts up as one condition of type ConditionType, for
// a status that observedGeneration of the object describes:
//
//   - True, reason AsAsked, when every configured network is AsAsked
//     (NotConfigured ones do not count; with none configured it is True);
//   - False, reason AddressesDiffer when any is Different, else
//     AddressesMissing when any is Missing;
//   - Unknown, reason GuestAgentUnavailable, otherwise (some network is
//     Unknown).
//
// The message names the networks that are not as asked, with their
// details, sorted by network name, so it depends on the verdicts only,
// not on their order. LastTransitionTime is left zero: set the condition
// with k8s.io/apimachinery/pkg/api/meta.SetStatusCondition, which keeps
// the previous LastTransitionTime unless the status changes (and fills in
// the current time when it does) and reports whether anything changed, so
// that a controller writes the status only when the verdicts change.
func Condition(verdicts []Verdict, observedGeneration int64) metav1.Condition {
	byKind := map[Kind][]Verdict{}
	configured := 0
	for _, v := range verdicts {
		if v.Kind != NotConfigured {
			configured++
		}
		byKind[v.Kind] = append(byKind[v.Kind], v)
	}
	c := metav1.Condition{Type: ConditionType, ObservedGeneration: observedGeneration}
	switch {
	case len(byKind[Different]) > 0:
		c.Status, c.Reason = metav1.ConditionFalse, ReasonAddressesDiffer
	case len(byKind[Missing]) > 0:
		c.Status, c.Reason = metav1.ConditionFalse, ReasonAddressesMissing
	case len(byKind[Unknown]) > 0:
		c.Status, c.Reason = metav1.ConditionUnknown, ReasonGuestAgentUnavailable
	default:
		c.Status, c.Reason = metav1.ConditionTrue, ReasonAsAsked
		c.Message = "the guest reports every configured network as asked (" + strconv.Itoa(configured) + ")"
		if configured == 0 {
			c.Message = "guestnet configures no network"
		}
		return c
	}
	var parts []string
	for _, k := range []Kind{Different, Missing, Unknown} {
		vs := byKind[k]
		if len(vs) == 0 {
			continue
		}
		slices.SortFunc(vs, func(a, b Verdict) int {
			if c := strings.Compare(a.Network, b.Network); c != 0 {
				return c
			}
			return strings.Compare(a.Detail, b.Detail)
		})
		texts := make([]string, len(vs))
		for i, v := range vs {
			texts[i] = v.Network + " (" + v.Detail + ")"
		}
		parts = append(parts, kindText(k)+": "+strings.Join(texts, ", "))
	}
	c.Message = truncate(strings.Join(parts, "; "))
	return c
}

// MaxMessageLength is the longest message a metav1.Condition may hold
// (its validation's maxLength); Condition cuts longer ones short.
const MaxMessageLength = 32768

// truncate cuts msg to MaxMessageLength bytes, at a character boundary,
// ending it with "..." when it cuts.
func truncate(msg string) string {
	if len(msg) <= MaxMessageLength {
		return msg
	}
	i := MaxMessageLength - len("...")
	for i > 0 && !utf8.RuneStart(msg[i]) {
		i--
	}
	return msg[:i] + "..."
}

// kindText is how a message introduces the networks of a kind.
func kindText(k Kind) string {
	switch k {
	case Different:
		return "differ from what was asked"
	case Missing:
		return "missing"
	}
	return "not reported by the guest agent"
}
