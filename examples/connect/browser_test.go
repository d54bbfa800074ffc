package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// skipBrowserEnv lets a developer without Chromium skip the browser tests
// by setting it to 1. CI never sets it: there, a missing or broken
// browser fails the test.
const skipBrowserEnv = "CONNECT_SKIP_BROWSER"

// browserTimeout bounds one browser's whole session and stepTimeout one
// step in it; every wait is for a condition (a load event, an element),
// never a sleep. They are generous because CI shares two cores.
const (
	browserTimeout = 3 * time.Minute
	stepTimeout    = time.Minute
)

// chromiumPath finds the browser: $CHROMIUM, or Debian's chromium on PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	names := []string{"chromium", "chromium-browser", "google-chrome"}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %v is on PATH and CHROMIUM is unset", names)
}

// tailBuffer keeps the last max bytes written to it, for writers on other
// goroutines: Chromium's output for a failure message, however much the
// browser prints, or a served app's log.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = slices.Delete(b.buf, 0, over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(bytes.TrimSpace(b.buf))
}

// startBrowser starts a headless Chromium with a fresh profile and returns
// a context for one tab in it. The flags are those known to work as root
// on a machine without network; extra adds or overrides flags.
func startBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if os.Getenv(skipBrowserEnv) == "1" {
		t.Skipf("%s=1: skipping the browser test (CI never sets it)", skipBrowserEnv)
	}
	path, err := chromiumPath()
	if err != nil {
		t.Fatalf("cannot run the browser test: %v; or set %s=1 to skip it", err, skipBrowserEnv)
	}
	output := &tailBuffer{max: 4 << 10}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 1200),
		chromedp.CombinedOutput(output),
	)
	opts = append(opts, extra...)
	ctx, cancelTimeout := context.WithTimeout(t.Context(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit, before TempDir is removed
		cancelTimeout()
	})
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("Chromium (%s) did not start: %v\nits output:\n%s", path, err, output)
	}
	return tabCtx
}

// view is what the browser shows after one step: the token in the
// iframe's src, and the URL the iframe really loaded.
type view struct {
	step     string
	token    string
	src      string
	frameURL string
}

// load runs trigger and waits for the next load event of the page, which
// comes after the iframe has loaded too. A page restored from the
// back/forward cache fires none until connect.js reloads it.
func load(ctx context.Context, trigger chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger))
	return err
}

// reload asks for a reload, as the browser's button does, without
// waiting: load waits.
var reload = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, page.Reload, page.ReloadParams{})
	return err
})

// goHistory asks for the history entry delta steps away, as Back (-1) and
// Forward (+1) do, without waiting: chromedp's NavigateBack waits for a
// load event, which a page restored from the back/forward cache never
// fires.
func goHistory(delta int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		h, err := cdp.Call(ctx, t, page.GetNavigationHistory, cdp.Empty{})
		if err != nil {
			return err
		}
		i := h.CurrentIndex + delta
		if i < 0 || i >= int64(len(h.Entries)) {
			return fmt.Errorf("no history entry %d steps from %d of %d", delta, h.CurrentIndex,
				len(h.Entries))
		}
		_, err = cdp.Call(ctx, t, page.NavigateToHistoryEntry,
			page.NavigateToHistoryEntryParams{EntryID: h.Entries[i].ID})
		return err
	})
}

// look reads the view after a load and checks that the iframe shows a
// working Connect page for the token in its src.
func look(t *testing.T, ctx context.Context, step string) view {
	t.Helper()
	src, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("flinks-connect"), "src"))
	if err != nil || !src.Exists {
		t.Fatalf("%s: no iframe src (exists %v): %v", step, src.Exists, err)
	}
	u, err := url.Parse(src.Value)
	if err != nil {
		t.Fatalf("%s: iframe src %q: %v", step, src.Value, err)
	}
	v := view{step: step, token: u.Query().Get("authorizeToken"), src: src.Value}

	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatalf("%s: frame tree: %v", step, err)
	}
	if n := len(tree.FrameTree.ChildFrames); n != 1 {
		t.Fatalf("%s: got %d child frames in the page's frame tree, want the Connect iframe "+
			"(an out-of-process iframe is not listed)", step, n)
	}
	v.frameURL = tree.FrameTree.ChildFrames[0].Frame.URL
	if v.frameURL != v.src {
		t.Errorf("%s: the iframe loaded %s, not its src %s: the browser restored an old "+
			"Connect URL", step, v.frameURL, v.src)
	}

	// The stand-in Connect page marks its <main> ready, or error (saying
	// why, as for a spent token).
	frames, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.ID("flinks-connect")))
	if err != nil || len(frames) != 1 {
		t.Fatalf("%s: iframe node: got %d, %v", step, len(frames), err)
	}
	attrs, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS("main#flinks-connect"),
		chromedp.FromNode(frames[0])))
	if err != nil {
		t.Fatalf("%s: reading the Connect page inside the iframe: %v", step, err)
	}
	if attrs["data-state"] != "ready" {
		t.Fatalf("%s: the Connect page says state %q; want ready", step, attrs["data-state"])
	}
	// The page heard the Connect page's first event, through connect.js's
	// origin check.
	waitCtx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	mounted := chromedp.CSS(`#connect-events li[data-step="APP_MOUNTED"]`)
	if err := chromedp.Do(waitCtx, chromedp.WaitReady(mounted)); err != nil {
		t.Fatalf("%s: no APP_MOUNTED event from Flinks Connect in the page: %v", step, err)
	}
	return v
}

// screenshot keeps what the browser shows as a test artifact: under
// -outputdir with go test -artifacts, else in a temporary directory.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// TestConnectInBrowser follows a user through the app in Chromium: every
// view, reload, Back and Forward must show a Connect page for a token no
// one has used, and spend it exactly once. It runs with Chromium's
// back/forward cache (which keeps no-store pages) and without it (Back
// then refetches the page, and Chromium restores iframe URLs by name).
func TestConnectInBrowser(t *testing.T) {
	tests := []struct {
		name  string
		flags []chromedp.ExecAllocatorOption
	}{
		{"back-forward cache", nil},
		{"no back-forward cache", []chromedp.ExecAllocatorOption{
			// Replaces the default list, so it repeats it.
			chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,BackForwardCache"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			fake, appURL := setup(t)
			ctx := startBrowser(t, tt.flags...)
			t.Logf("browser started in %v", time.Since(start).Round(time.Millisecond))

			steps := []struct {
				name    string
				trigger chromedp.Action[chromedp.Void]
			}{
				{"open", chromedp.Navigate(appURL + "/")},
				{"reload", reload},
				{"open another view", chromedp.Navigate(appURL + "/?view=2")},
				{"back", goHistory(-1)},
				{"forward", goHistory(+1)},
			}
			var views []view
			for i, s := range steps {
				if err := load(ctx, s.trigger); err != nil {
					t.Fatalf("%s: no load event: %v (a page restored from the back/forward "+
						"cache must reload itself: static/connect.js)", s.name, err)
				}
				v := look(t, ctx, s.name)
				for _, old := range views {
					if v.token == old.token {
						t.Errorf("%s: shows token %s, already spent by %q", s.name, v.token,
							old.step)
					}
				}
				if rec, ok := fake.Lookup(v.token); !ok || !rec.Used {
					t.Errorf("%s: token %s: issued %v, used %v; want issued by the fake "+
						"and spent by the iframe", s.name, v.token, ok, rec.Used)
				}
				views = append(views, v)
				if i == 0 {
					connectBank(t, ctx)
					screenshot(t, ctx, "connect")
				}
			}

			// Every Connect request the browser made carried a fresh
			// token: one request per view, all answered 200.
			var want []connectVisit
			for _, v := range views {
				want = append(want, connectVisit{token: v.token, status: 200})
			}
			if got := fake.Visits(); !slices.Equal(got, want) {
				t.Errorf("Connect requests: got %+v, want %+v", got, want)
			}
			t.Logf("%d views in %v", len(views), time.Since(start).Round(time.Millisecond))
		})
	}
}

// connectBank clicks Connect inside the iframe, as a user finishing the
// flow, and waits for the page to hear the REDIRECT event that carries the
// loginId.
func connectBank(t *testing.T, ctx context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	frames, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.ID("flinks-connect")))
	if err != nil || len(frames) != 1 {
		t.Fatalf("iframe node: got %d, %v", len(frames), err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("connect"), chromedp.FromNode(frames[0])),
		chromedp.WaitReady(chromedp.CSS(`#connect-events li[data-step="REDIRECT"]`)),
	); err != nil {
		t.Fatalf("clicking Connect in the iframe: no REDIRECT event in the page: %v", err)
	}
}
