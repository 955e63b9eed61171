package domain_test

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

// The grammar the scanner replaced, as the regular expressions it was
// written with: the scanner must accept exactly these strings and resolve
// them the same way.
var (
	oldRelDateRE = regexp.MustCompile(`^(now|today|start_of_day|start_of_week|start_of_month|start_of_quarter|start_of_year)((?:[+-]\d{1,5}(?:mi|h|d|w|M|y))*)$`)
	oldOffsetRE  = regexp.MustCompile(`([+-])(\d{1,5})(mi|h|d|w|M|y)`)
)

func oldResolve(s string, now time.Time, loc *time.Location) time.Time {
	m := oldRelDateRE.FindStringSubmatch(s)
	t := now.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	switch m[1] {
	case "today", "start_of_day":
		t = day
	case "start_of_week":
		t = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case "start_of_month":
		t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	case "start_of_quarter":
		t = time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, loc)
	case "start_of_year":
		t = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, loc)
	}
	for _, o := range oldOffsetRE.FindAllStringSubmatch(m[2], -1) {
		n, _ := strconv.Atoi(o[2])
		if o[1] == "-" {
			n = -n
		}
		switch o[3] {
		case "mi":
			t = t.Add(time.Duration(n) * time.Minute)
		case "h":
			t = t.Add(time.Duration(n) * time.Hour)
		case "d":
			t = t.AddDate(0, 0, n)
		case "w":
			t = t.AddDate(0, 0, 7*n)
		case "M":
			t = t.AddDate(0, n, 0)
		case "y":
			t = t.AddDate(n, 0, 0)
		}
	}
	return t.UTC()
}

func TestRelativeDateScannerMatchesTheGrammar(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	pieces := []string{"now", "today", "start_of_day", "start_of_week", "start_of_month", "start_of_quarter", "start_of_year",
		"start_of_", "no", "+", "-", "1", "30", "99999", "123456", "0", "d", "h", "w", "M", "y", "mi", "m", "i", "x", " ", "D", "+-", "00001"}
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	now := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
	accepted := 0
	for i := 0; i < 200_000; i++ {
		s := ""
		for range 1 + r.IntN(6) {
			s += pieces[r.IntN(len(pieces))]
		}
		want := oldRelDateRE.MatchString(s)
		if got := domain.IsRelativeDate(s); got != want {
			t.Fatalf("IsRelativeDate(%q) = %v, the grammar says %v", s, got, want)
		}
		got, err := domain.ResolveRelativeDate(s, now, sp)
		if (err == nil) != want {
			t.Fatalf("ResolveRelativeDate(%q): %v", s, err)
		}
		if want {
			accepted++
			if w := oldResolve(s, now, sp); !got.Equal(w) {
				t.Fatalf("%q resolves to %s, the old resolver %s", s, got, w)
			}
		}
	}
	if accepted < 5000 {
		t.Fatalf("only %d relative dates generated", accepted)
	}
}
