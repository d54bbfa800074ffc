package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "otel:", err)
		os.Exit(1)
	}
}

// run mints one token through a 503 and a retry, and prints each span's
// name and attributes to w. A service would register its exporter (OTLP) on
// the TracerProvider instead of the recorder.
func run(ctx context.Context, w io.Writer) error {
	fake := flinkstest.NewServer()
	defer fake.Close()
	if err := fake.FailNext(1, flinkstest.Fault{Status: 503, RetryAfter: "0"}); err != nil {
		return err
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer tp.Shutdown(ctx)

	client, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(fake.URL), tokenclient.WithHTTPClient(newTracedHTTPClient(tp)))
	if err != nil {
		return err
	}
	if _, err := client.GenerateAuthorizeToken(ctx); err != nil {
		return err
	}
	for _, s := range rec.Ended() {
		fmt.Fprintf(w, "span %q status=%s\n", s.Name(), s.Status().Code)
		for _, kv := range s.Attributes() {
			fmt.Fprintf(w, "  %s=%s\n", kv.Key, kv.Value.String())
		}
	}
	return nil
}
