package graphsim_test

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"testing"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// signalVariants are the calls whose bodies a pinned report hash covers:
// every period of the report, under default and switched-on literals.
var signalVariants = []struct {
	report string
	paths  []string
}{
	{"copilot", []string{
		"/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D7')",
		"/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')",
		"/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D90')",
		"/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D180')",
		"/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='ALL')",
	}},
	{"apps usage", []string{
		"/v1.0/reports/getM365AppUserDetail(period='D7')",
		"/v1.0/reports/getM365AppUserDetail(period='D30')",
		"/v1.0/reports/getM365AppUserDetail(period='D90')",
		"/v1.0/reports/getM365AppUserDetail(period='D180')",
	}},
	{"activations", []string{"/v1.0/reports/getOffice365ActivationsUserDetail()"}},
	{"mailbox usage", []string{
		"/v1.0/reports/getMailboxUsageDetail(period='D7')",
		"/v1.0/reports/getMailboxUsageDetail(period='D180')",
	}},
}

// signalHashes hashes, per report of signalVariants, the full CSV bodies
// of tenants made by gen under each server option set of opts (a fresh
// tenant each: Concealed changes its report settings).
func signalHashes(t *testing.T, gen graphsim.GenOptions, opts []graphsim.ServerOptions) map[string]string {
	t.Helper()
	hs := make([]hash.Hash, len(signalVariants))
	for k := range hs {
		hs[k] = sha256.New()
	}
	for _, o := range opts {
		s := serveTenant(t, graphsim.Generate(gen), o)
		tok := s.token()
		for k, v := range signalVariants {
			for _, p := range v.paths {
				hs[k].Write(fetchSignal(t, s, tok, p))
				hs[k].Write([]byte{0})
			}
		}
	}
	out := map[string]string{}
	for k, v := range signalVariants {
		out[v.report] = hex.EncodeToString(hs[k].Sum(nil))
	}
	return out
}

// TestSignalReportBytesPinned pins every byte of the four usage-signal
// reports for two seeds and two days (hashes recorded before the reports'
// generation was optimised): every period, with the default literals and
// with every literal switch, CRLF and concealed names on.
func TestSignalReportBytesPinned(t *testing.T) {
	switches := graphsim.ServerOptions{ReportNullDates: true, AppsUsageTrueFalse: true,
		MailboxRecipientTypeDetails: true, ReportCRLF: true, Concealed: true}
	opts := []graphsim.ServerOptions{{}, switches}
	cases := []struct {
		name string
		gen  graphsim.GenOptions
		want map[string]string
	}{
		{"seed 42 day 0", graphsim.GenOptions{Users: 2500, Seed: 42, Now: fixedNow, CopilotSeats: 0.3},
			map[string]string{
				"copilot":       "7abe2830b25f353759f8973ad838c008d16eaf50c0e2df49ad158f85b021f5fc",
				"apps usage":    "a65466c7b1303c510eac8771b7a737929cff78e93bbe9c049f61f1e97968bfdc",
				"activations":   "50eadee199ea4779f8be17f72955536dcc72e5a05abb40403a006dcd794716a2",
				"mailbox usage": "946d66c9283c9386a046899284b806d5f81690aacc21afa5971328cc19e7692b"}},
		{"seed 42 day 5", graphsim.GenOptions{Users: 2500, Seed: 42, Now: fixedNow.AddDate(0, 0, 5), Day: 5,
			DailyChurn: 0.03, CopilotSeats: 0.3},
			map[string]string{
				"copilot":       "345d2eb2648edf270e57c0015e89e93457c825d0dd57d9c95aa8d1660ff2bcfc",
				"apps usage":    "cae99131f8fa7627bda05ee2b10e00558b7b05e6e45930781cb7d15920dd7709",
				"activations":   "b17e18aeea704e76da9c93fc6b8ce4c4e33268ec7efea589d45f139131ba373a",
				"mailbox usage": "e5dac887e5cf130e8076c781e697c3cece198be6cdba6389313a92ffcfae9a6c"}},
		{"seed 7 day 0", graphsim.GenOptions{Users: 2000, Seed: 7, Now: fixedNow, CopilotSeats: 0.6},
			map[string]string{
				"copilot":       "053a2db8b5877636dbcd34ede92d462f258fbf615ad008d14cc0e5076315da6f",
				"apps usage":    "88242e8079869681a9e5c877a3d088f5c80b644191c51bed413f77aae3d4b24d",
				"activations":   "321257bc4ef0b91b6764f579a8b7816a286789e437905773aa30daee7984ec73",
				"mailbox usage": "fd0301e8632b413ddc88255e970adc35b644a9f28137742a42aaf85de90d7a2c"}},
		{"seed 7 day 5", graphsim.GenOptions{Users: 2000, Seed: 7, Now: fixedNow.AddDate(0, 0, 5), Day: 5,
			DailyChurn: 0.03, CopilotSeats: 0.6},
			map[string]string{
				"copilot":       "c27ce892666e7184f9c888eaac8d71f3ed5fcf91feb91222b5e0be8a3eb76897",
				"apps usage":    "78600ede7952ec7d491e384615befb434c59f8da38292f0f38c7249633c60d8e",
				"activations":   "ce039f3de3984f10cab7e5cbae566b1d435affd53d0532990bebc225fef4324c",
				"mailbox usage": "766a649d6b4e5763e149017b1aed2ecb6ed4263d411053d4aec4265f51ebea11"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := signalHashes(t, c.gen, opts)
			for _, v := range signalVariants {
				if got[v.report] != c.want[v.report] {
					t.Errorf("%s: got hash %s, want %s", v.report, got[v.report], c.want[v.report])
				}
			}
		})
	}
}
