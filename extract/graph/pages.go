package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	abs "github.com/microsoft/kiota-abstractions-go"
)

// page is one page of a Graph collection; @odata.nextLink may come before
// or after value (encoding/json does not care).
type page[T any] struct {
	NextLink string `json:"@odata.nextLink"`
	Value    []T    `json:"value"`
}

// pageResult is a fetched page or the error fetching it.
type pageResult[T any] struct {
	items []T
	next  string
	err   error
}

// pager walks a Graph collection.
type pager[T any] struct {
	c        *Client
	endpoint string
	first    func(context.Context) (*abs.RequestInformation, error)
	withURL  func(ctx context.Context, link string) (*abs.RequestInformation, error)
}

// each calls fn for every non-empty page in order. The next page is
// fetched while fn processes the current one (one page of read-ahead); a
// nextLink seen before is ErrPagingLoop rather than an endless walk.
func (p pager[T]) each(ctx context.Context, fn func(n int, items []T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	var pending <-chan pageResult[T]
	defer func() {
		cancel()
		if pending != nil {
			<-pending // no goroutine outlives the call
		}
	}()
	pending = p.fetch(ctx, 1, "")
	seen := map[string]bool{}
	for n := 1; pending != nil; n++ {
		res := <-pending
		pending = nil
		if res.err != nil {
			return res.err
		}
		if res.next != "" {
			if seen[res.next] {
				return fmt.Errorf("list %s page %d: %w", p.endpoint, n, ErrPagingLoop)
			}
			if err := sameHost(res.next, p.c.graph); err != nil {
				return fmt.Errorf("list %s page %d: %w", p.endpoint, n, err)
			}
			seen[res.next] = true
			pending = p.fetch(ctx, n+1, res.next)
		}
		if len(res.items) == 0 {
			continue
		}
		if err := fn(n, res.items); err != nil {
			return err
		}
	}
	return nil
}

// fetch gets page n (link empty = first page) in a goroutine.
func (p pager[T]) fetch(ctx context.Context, n int, link string) <-chan pageResult[T] {
	ch := make(chan pageResult[T], 1)
	go func() {
		ch <- p.get(ctx, n, link)
	}()
	return ch
}

func (p pager[T]) get(ctx context.Context, n int, link string) pageResult[T] {
	var ri *abs.RequestInformation
	var err error
	if link == "" {
		ri, err = p.first(ctx)
	} else {
		ri, err = p.withURL(ctx, link)
	}
	if err != nil {
		return pageResult[T]{err: fmt.Errorf("build %s page %d request: %w", p.endpoint, n, err)}
	}
	var pg page[T]
	err = p.c.send(ctx, ri, callOption{endpoint: p.endpoint}, func(resp *http.Response) error {
		return decodeJSON(resp, &pg)
	})
	if err != nil {
		return pageResult[T]{err: fmt.Errorf("list %s page %d: %w", p.endpoint, n, err)}
	}
	return pageResult[T]{items: pg.Value, next: pg.NextLink}
}

// decodeJSON decodes a (usually already buffered) JSON body into v.
func decodeJSON(resp *http.Response, v any) error {
	var data []byte
	if b, ok := resp.Body.(*bufferedBody); ok {
		data = b.data
	} else {
		var err error
		if data, err = io.ReadAll(resp.Body); err != nil {
			return fmt.Errorf("read body: %w", err)
		}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: decode JSON: %w", ErrBadResponse, err)
	}
	return nil
}
