package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
)

// MaxBatch is the most requests Graph accepts in one $batch:
// https://learn.microsoft.com/graph/json-batching#batch-size-limitations
const MaxBatch = 20

// batchItem is one request of a $batch, its URL relative to /v1.0.
type batchItem struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// batchAnswer is one response of a $batch. Status 0 means no answer.
type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// batch sends items in $batch requests of at most MaxBatch. Graph answers
// each item with its own status: the outer 200 says nothing about them.
// Items answered 429 (or 503, which also means "not done, come back") are
// sent again, in new batches, after the longest Retry-After among them, at
// most MaxRetries rounds; then their last answer stands. It returns one
// answer per item, in order. When a whole $batch fails (after its own
// retries), the items of that batch and those not yet sent keep their last
// answer (Status 0 when never answered) and the error is returned with
// the answers so far.
// Item ids are the item's position, so callers need not set them.
// https://learn.microsoft.com/graph/json-batching
func (c *Client) batch(ctx context.Context, endpoint string, items []batchItem) ([]batchAnswer, error) {
	answers := make([]batchAnswer, len(items))
	pending := make([]int, len(items))
	for i := range items {
		items[i].ID = strconv.Itoa(i + 1)
		pending[i] = i
	}
	for round := 0; len(pending) > 0; round++ {
		var again []int
		var wait time.Duration
		for start := 0; start < len(pending); start += MaxBatch {
			chunk := pending[start:min(start+MaxBatch, len(pending))]
			got, err := c.sendBatch(ctx, items, chunk)
			if err != nil {
				return answers, fmt.Errorf("$batch of %d %s requests: %w", len(chunk), endpoint, err)
			}
			for _, i := range chunk {
				a := got[items[i].ID]
				answers[i] = a
				if c.cfg.Observe != nil {
					c.cfg.Observe(endpoint, a.Status)
				}
				if a.Status == http.StatusTooManyRequests || a.Status == http.StatusServiceUnavailable {
					again = append(again, i)
					wait = max(wait, itemWait(a, round))
				}
			}
		}
		if len(again) == 0 || round >= c.cfg.MaxRetries {
			break
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "graph batch items retry",
			slog.String("endpoint", endpoint), slog.Int("items", len(again)),
			slog.Int("round", round+1), slog.Duration("wait", wait))
		if err := sleep(ctx, wait); err != nil {
			return answers, fmt.Errorf("$batch of %s requests: %w", endpoint, err)
		}
		pending = again
	}
	return answers, nil
}

// itemWait is an item's Retry-After header, else the backoff of round.
func itemWait(a batchAnswer, round int) time.Duration {
	resp := &http.Response{Header: http.Header{}}
	for k, v := range a.Headers {
		resp.Header.Set(k, v)
	}
	return retryWait(resp, round)
}

// sendBatch posts the items chunk (indexes into items) as one $batch and
// returns the answers by item id. A 429 or 503 for the whole batch means
// nothing in it ran: it is sent again after a backoff, at most MaxRetries
// times. (The retry middleware leaves POSTs alone: their body cannot be
// rewound.)
func (c *Client) sendBatch(ctx context.Context, items []batchItem, chunk []int) (map[string]batchAnswer, error) {
	reqs := make([]batchItem, len(chunk))
	for k, i := range chunk {
		reqs[k] = items[i]
	}
	body, err := json.Marshal(map[string]any{"requests": reqs})
	if err != nil {
		return nil, fmt.Errorf("encode $batch: %w", err)
	}
	for attempt := 0; ; attempt++ {
		ri := abs.NewRequestInformation()
		ri.Method = abs.POST
		ri.UrlTemplate = "{+baseurl}/$batch"
		ri.PathParameters = map[string]string{}
		ri.Headers.TryAdd("Accept", "application/json")
		ri.SetStreamContentAndContentType(body, "application/json")
		var out struct {
			Responses []batchAnswer `json:"responses"`
		}
		err = c.send(ctx, ri, callOption{endpoint: "batch"}, func(resp *http.Response) error {
			return decodeJSON(resp, &out)
		})
		var api *APIError
		if errors.As(err, &api) && (api.Status == http.StatusTooManyRequests || api.Status == http.StatusServiceUnavailable) && attempt < c.cfg.MaxRetries {
			if err := sleep(ctx, retryWait(nil, attempt)); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		got := make(map[string]batchAnswer, len(out.Responses))
		for _, a := range out.Responses {
			got[a.ID] = a
		}
		return got, nil
	}
}

// itemError reads Graph's error envelope from an item's body.
func itemError(a batchAnswer) (code, message string) {
	if a.Status == 0 {
		return "NoResponse", "the $batch response has no answer for this request"
	}
	e := parseErrorBody("", a.Status, a.Body)
	return e.Code, e.Message
}
