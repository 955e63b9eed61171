package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/conductor/reports/domain"
)

func TestQueryProblemsInPortuguese(t *testing.T) {
	c := catalog(t)
	q := &domain.Query{Source: "tickets", Metrics: []domain.Metric{{Agg: "nope", As: "n"}}, Limit: -1}
	err := q.Validate(c)
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("not a validation error: %v", err)
	}
	for _, p := range ve.Problems {
		pt := p.MessageIn(domain.LangPortuguese)
		if pt == p.Message || pt == "" {
			t.Errorf("%s: %q has no Portuguese rendering", p.Path, p.Message)
		}
		if p.MessageIn(domain.LangEnglish) != p.Message {
			t.Errorf("%s: English changed", p.Path)
		}
	}
	// Prefixed problems keep their translation, and the domain Error of
	// the first problem too.
	pre := domain.PrefixProblems(err, "config.query.")
	var de *domain.Error
	if !errors.As(pre, &de) || !strings.HasPrefix(de.Field, "config.query.") {
		t.Fatalf("prefixed: %v", pre)
	}
	if de.MessageIn(domain.LangPortuguese) != ve.Problems[0].MessageIn(domain.LangPortuguese) {
		t.Errorf("prefixed problem lost its translation: %q", de.MessageIn(domain.LangPortuguese))
	}
}
