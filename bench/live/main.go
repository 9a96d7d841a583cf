// Command live measures the live-update streams of a running server
// (bench/live.sh starts one): it opens N streams (one per tab) as a
// signed-in person, reports the server's memory per open stream (its RSS
// before and after, from /proc), then posts client-visible notes on a case
// and reports how long each took to arrive on every stream, from the
// moment the post was sent.
//
//	go run ./bench/live -base http://127.0.0.1:8080 -slug demo -cookie 'mm_session=...' -csrf TOKEN -case ID -pid PID
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the server")
	slug := flag.String("slug", "demo", "the agency")
	cookie := flag.String("cookie", "", "the signed-in session's Cookie header")
	csrf := flag.String("csrf", "", "the session's CSRF token (a form's _csrf)")
	caseID := flag.String("case", "", "the case to post notes on")
	pid := flag.Int("pid", 0, "the server's process id, for its memory")
	n := flag.Int("streams", 1000, "streams to open")
	posts := flag.Int("posts", 20, "notes to post, one after another")
	flag.Parse()
	if *cookie == "" || *caseID == "" || *pid == 0 {
		fmt.Fprintln(os.Stderr, "live: -cookie, -case and -pid are needed")
		os.Exit(2)
	}
	u, err := url.Parse(*base)
	check(err)

	rssBefore := rss(*pid)
	streams := make([]*reader, *n)
	for i := range streams {
		streams[i] = open(u.Host, "/a/"+*slug+"/live?tab=bench-"+strconv.Itoa(i), *cookie)
	}
	time.Sleep(2 * time.Second) // let the server's buffers and goroutines settle before reading its memory
	rssAfter := rss(*pid)
	fmt.Printf("streams open: %d\n", *n)
	fmt.Printf("server RSS: %.1f MiB before, %.1f MiB with the streams open: %.1f KiB per stream\n",
		float64(rssBefore)/1024, float64(rssAfter)/1024, float64(rssAfter-rssBefore)/float64(*n))

	// Each post: the time from sending it to the notice arriving on each stream.
	var all []time.Duration
	var lastOfPost []time.Duration
	form := url.Values{"_csrf": {*csrf}, "visible_to_client": {"1"}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for p := 0; p < *posts; p++ {
		form.Set("body", "Benchmark message "+strconv.Itoa(p))
		req, err := http.NewRequest("POST", *base+"/a/"+*slug+"/cases/"+*caseID+"/notes", strings.NewReader(form.Encode()))
		check(err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", *cookie)
		var wg sync.WaitGroup
		got := make([]time.Duration, len(streams))
		sent := time.Now()
		for i, s := range streams {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.waitFor("case-" + *caseID)
				got[i] = time.Since(sent)
			}()
		}
		res, err := client.Do(req)
		check(err)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			fmt.Fprintf(os.Stderr, "live: posting a note answered %d\n", res.StatusCode)
			os.Exit(1)
		}
		wg.Wait()
		all = append(all, got...)
		lastOfPost = append(lastOfPost, slices.Max(got))
	}
	slices.Sort(all)
	slices.Sort(lastOfPost)
	q := func(d []time.Duration, f float64) time.Duration { return d[min(len(d)-1, int(f*float64(len(d))))] }
	fmt.Printf("delivery, post sent → notice read, over %d posts × %d streams: p50 %s, p99 %s, max %s\n",
		*posts, *n, q(all, 0.5).Round(10*time.Microsecond), q(all, 0.99).Round(10*time.Microsecond), all[len(all)-1].Round(10*time.Microsecond))
	fmt.Printf("the last stream of each post: median %s, max %s\n", q(lastOfPost, 0.5).Round(10*time.Microsecond), lastOfPost[len(lastOfPost)-1].Round(10*time.Microsecond))
}

// reader is one open stream, read by hand (one TCP connection each, as
// browsers hold them).
type reader struct {
	conn net.Conn
	r    *bufio.Reader
}

func open(host, path, cookie string) *reader {
	conn, err := net.Dial("tcp", host)
	check(err)
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nCookie: %s\r\n\r\n", path, host, cookie)
	s := &reader{conn: conn, r: bufio.NewReaderSize(conn, 1024)}
	status, err := s.r.ReadString('\n')
	check(err)
	if !strings.Contains(status, " 200 ") {
		fmt.Fprintf(os.Stderr, "live: %s answered %s", path, status)
		os.Exit(1)
	}
	s.waitFor("live")
	return s
}

// waitFor reads until an event named name (in the chunked body: the event
// line is found as text).
func (s *reader) waitFor(name string) {
	for {
		line, err := s.r.ReadString('\n')
		check(err)
		if strings.TrimSpace(line) == "event: "+name {
			return
		}
	}
}

// rss is a process's resident memory in KiB.
func rss(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	check(err)
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			check(err)
			return kb
		}
	}
	panic("no VmRSS")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "live:", err)
		os.Exit(1)
	}
}
