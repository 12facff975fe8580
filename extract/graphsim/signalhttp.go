package graphsim

import (
	"fmt"
	"net/http"
	"strings"
)

// The usage-signal report endpoints. The Copilot report answers 200 with
// the CSV stream itself, as Microsoft documents it for v1.0
// (https://learn.microsoft.com/microsoft-365/copilot/extensibility/api/admin-settings/reports/copilotreportroot-getmicrosoft365copilotusageuserdetail);
// the other three answer 302 to a download link like the Office 365
// report (report.go). All need Reports.Read.All.

// reportKind says which report a download link serves.
type reportKind int

// Report kinds; the zero value is the Office 365 report, so that links
// made without a kind (redirectExpired) stay what they were.
const (
	reportOffice365 reportKind = iota
	reportCopilot
	reportApps
	reportActivations
	reportMailbox
	numReports
)

// signalCall is one report function: where it lives below /v1.0/, its
// name, the Stats endpoint and the download's file name.
type signalCall struct {
	prefix, name, endpoint, file string
}

var signalCalls = [numReports]signalCall{
	reportOffice365:   {file: "Office365ActiveUserDetail.csv"}, // routed in graph.go
	reportCopilot:     {"copilot/reports/", "getMicrosoft365CopilotUsageUserDetail", "copilotReport", ""},
	reportApps:        {"reports/", "getM365AppUserDetail", "appsReport", "M365AppUserDetail.csv"},
	reportActivations: {"reports/", "getOffice365ActivationsUserDetail", "activationsReport", "Office365ActivationsUserDetail.csv"},
	reportMailbox:     {"reports/", "getMailboxUsageDetail", "mailboxReport", "MailboxUsageDetail.csv"},
}

// signalMatch recognises a call of a signal report in rest (the path
// below /v1.0/, the function optionally qualified with microsoft.graph.)
// and returns its kind and the text after '(' ("" without parentheses).
func signalMatch(rest string) (reportKind, string, bool) {
	lower := strings.ToLower(rest)
	if len(lower) != len(rest) {
		return 0, "", false // not ASCII: no report function
	}
	for k := reportCopilot; k < numReports; k++ {
		c := signalCalls[k]
		tail, ok := strings.CutPrefix(lower, strings.ToLower(c.prefix))
		if !ok {
			continue
		}
		tail = strings.TrimPrefix(tail, "microsoft.graph.")
		tail, ok = strings.CutPrefix(tail, strings.ToLower(c.name))
		switch {
		case !ok:
		case tail == "" && k == reportActivations: // a function without parameters
			return k, "", true
		case strings.HasPrefix(tail, "("):
			return k, rest[len(rest)-len(tail)+1:], true
		}
	}
	return 0, "", false
}

// signalRoute is the Graph route of a signal report call, nil when rest
// is none.
func (s *Server) signalRoute(rest string) *graphRoute {
	k, arg, ok := signalMatch(rest)
	if !ok {
		return nil
	}
	return &graphRoute{signalCalls[k].endpoint, readReports, func(w http.ResponseWriter, r *http.Request, arg string) {
		s.serveSignal(w, r, k, arg)
	}, arg}
}

// Periods each report accepts, and how Graph's message lists them.
var (
	copilotPeriodSet = map[string]bool{"D7": true, "D30": true, "D90": true, "D180": true, "ALL": true}
	periodWords      = map[bool]string{false: "D7, D30, D90 and D180", true: "D7, D30, D90, D180 and ALL"}
)

// serveSignal validates a signal report call and answers it: the
// Copilot CSV itself, or a 302 to a download link.
func (s *Server) serveSignal(w http.ResponseWriter, r *http.Request, k reportKind, arg string) {
	name := signalCalls[k].name
	params, gerr := funcParams(arg)
	period := ""
	switch {
	case gerr != nil:
	case k == reportActivations:
		if len(params) > 0 {
			gerr = reportBadRequest("The function %s takes no parameters.", name)
		}
	default:
		period, gerr = periodParam(params, name, k == reportCopilot)
	}
	if gerr != nil {
		s.graphError(w, r, gerr)
		return
	}
	if k != reportCopilot {
		s.redirect(w, reportLink{kind: k, period: period})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	if err := s.writeSignal(w, k, period); err != nil {
		s.log.Debug("graphsim copilot report interrupted", "err", err)
	}
}

// funcParams parses a function call's parameters from the text after '('
// (e.g. "period='D7')"): lower-case name to raw value; "" (no
// parentheses) has none.
func funcParams(arg string) (map[string]string, *GraphError) {
	out := map[string]string{}
	if arg == "" {
		return out, nil
	}
	list, ok := strings.CutSuffix(arg, ")")
	if !ok {
		return nil, reportBadRequest("Malformed function call: missing ')'.")
	}
	if strings.TrimSpace(list) == "" {
		return out, nil
	}
	for _, p := range strings.Split(list, ",") {
		name, value, _ := strings.Cut(p, "=")
		out[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
	}
	return out, nil
}

// periodParam checks the period (a quoted D7, D30, D90, D180, or ALL for
// Copilot) and, for Copilot, the optional version: the simulator writes
// version v1 only.
func periodParam(params map[string]string, name string, copilot bool) (string, *GraphError) {
	raw, ok := params["period"]
	if !ok {
		return "", reportBadRequest("The function %s takes a 'period' parameter.", name)
	}
	p := strings.Trim(raw, "'")
	if !strings.HasPrefix(raw, "'") || !(reportPeriods[p] || copilot && copilotPeriodSet[p]) {
		return "", reportBadRequest("Invalid value '%s' for parameter 'period'. Supported values are %s.", raw, periodWords[copilot])
	}
	for n, v := range params {
		switch {
		case n == "period":
		case n == "version" && copilot:
			if strings.Trim(v, "'") != "v1" {
				return "", reportBadRequest("Invalid value '%s' for parameter 'version'. The simulator serves version v1 only.", v)
			}
		default:
			return "", reportBadRequest("The function %s does not take a parameter '%s'.", name, n)
		}
	}
	return p, nil
}

func reportBadRequest(format string, args ...any) *GraphError {
	return &GraphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: fmt.Sprintf(format, args...)}
}

// oldCopilotPath reports whether rest (below /beta/) is the Copilot
// report's former path, /beta/reports/getMicrosoft365CopilotUsageUserDetail.
func oldCopilotPath(rest string) bool {
	tail, ok := strings.CutPrefix(strings.ToLower(rest), "reports/")
	tail = strings.TrimPrefix(tail, "microsoft.graph.")
	return ok && strings.HasPrefix(tail, "getmicrosoft365copilotusageuserdetail")
}

// serveOldCopilot answers the Copilot report's former beta path as Graph
// has since July 2026: 400, the segment not found (the report moved to
// /copilot/reports/; chancecontra/M365-Copilot-Adoption-Dashboard#7).
func (s *Server) serveOldCopilot(w http.ResponseWriter, r *http.Request) {
	s.graphHeaders(w, r)
	if _, err := s.verifyToken(r.Header.Get("Authorization")); err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="`+s.URL()+`/common/oauth2/authorize", client_id="`+graphAppID+`"`)
		s.graphError(w, r, &GraphError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: err.Error()})
		return
	}
	s.graphError(w, r, &GraphError{Status: http.StatusBadRequest, Code: "BadRequest",
		Message: "Resource not found for the segment 'getMicrosoft365CopilotUsageUserDetail'."})
}
