package http

import (
	"context"
	"testing"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/common/config"
	"github.com/cloudwego/hertz/pkg/common/ut"
	"github.com/cloudwego/hertz/pkg/route"

	"github.com/conductor/reports/domain"
)

func TestNegotiateLang(t *testing.T) {
	for header, want := range map[string]domain.Lang{
		"":                           domain.LangEnglish,
		"pt-BR":                      domain.LangPortuguese,
		"pt":                         domain.LangPortuguese,
		"pt-PT":                      domain.LangPortuguese,
		"PT-br":                      domain.LangPortuguese,
		"en":                         domain.LangEnglish,
		"en-US":                      domain.LangEnglish,
		"en-US;q=0.8, pt-BR":         domain.LangPortuguese,
		"pt-BR;q=0.5, en-US;q=0.8":   domain.LangEnglish,
		"en-US,en;q=0.9,pt-BR;q=0.8": domain.LangEnglish,
		"pt-BR,pt;q=0.9,en-US;q=0.8": domain.LangPortuguese,
		"fr-FR, de;q=0.9":            domain.LangEnglish,
		"fr-FR, pt;q=0.2":            domain.LangPortuguese,
		"pt-BR;q=0, en;q=0.1":        domain.LangEnglish,
		"pt-BR;q=0":                  domain.LangEnglish,
		"*":                          domain.LangEnglish,
		"pt-BR ; q=0.9 , en ; q=0.9": domain.LangPortuguese,
		"en;q=0.9, pt;q=0.9":         domain.LangEnglish,
		"pt-BR;q=bogus, en;q=0.3":    domain.LangEnglish,
		"garbage;;;,,":               domain.LangEnglish,
	} {
		if got := negotiateLang(header); got != want {
			t.Errorf("%q: %s, want %s", header, got, want)
		}
	}
}

// writeError keeps code, field and status, and renders the message in the
// request's language; English when the header is absent.
func TestWriteErrorSpeaksTheRequestLanguage(t *testing.T) {
	e := route.NewEngine(config.NewOptions(nil))
	e.GET("/x", func(ctx context.Context, c *hz.RequestContext) {
		writeError(ctx, c, nil, domain.Invalid("limit", "must be between 1 and %d", 500))
	})
	for header, want := range map[string]string{
		"":      `{"error":{"code":"invalid","message":"must be between 1 and 500","field":"limit"}}`,
		"en":    `{"error":{"code":"invalid","message":"must be between 1 and 500","field":"limit"}}`,
		"pt-BR": `{"error":{"code":"invalid","message":"deve estar entre 1 e 500","field":"limit"}}`,
	} {
		var hs []ut.Header
		if header != "" {
			hs = append(hs, ut.Header{Key: "Accept-Language", Value: header})
		}
		resp := ut.PerformRequest(e, "GET", "/x", nil, hs...).Result()
		if resp.StatusCode() != 400 || string(resp.Body()) != want {
			t.Errorf("%q: %d %s", header, resp.StatusCode(), resp.Body())
		}
	}
}

// A bad query answers its problems in Portuguese to a pt-BR reader, with
// the same code, field and paths as in English.
func TestQueryValidationInPortuguese(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	q := map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "avg", "field": "nope", "as": "x"}}, "limit": -1}
	en := s.req("POST", "/api/query", admin, q)
	pt := s.req("POST", "/api/query", admin, q, "Accept-Language", "pt-BR,pt;q=0.9,en;q=0.8")
	if en.status != 400 || pt.status != 400 {
		t.Fatalf("statuses %d %d: %s", en.status, pt.status, pt.raw)
	}
	enErr, ptErr := en.body["error"].(map[string]any), pt.body["error"].(map[string]any)
	if enErr["code"] != "invalid" || ptErr["code"] != enErr["code"] || ptErr["field"] != enErr["field"] || enErr["field"] == "" {
		t.Fatalf("envelopes differ: %s / %s", en.raw, pt.raw)
	}
	if enErr["message"] != `unknown field "nope" of source tickets` || ptErr["message"] != `campo "nope" desconhecido na fonte tickets` {
		t.Errorf("messages %q / %q", enErr["message"], ptErr["message"])
	}
	enP, ptP := en.body["problems"].([]any), pt.body["problems"].([]any)
	if len(enP) < 2 || len(enP) != len(ptP) {
		t.Fatalf("problems %s / %s", en.raw, pt.raw)
	}
	for i := range enP {
		e, p := enP[i].(map[string]any), ptP[i].(map[string]any)
		if e["path"] != p["path"] || e["message"] == p["message"] {
			t.Errorf("problem %d: %v / %v", i, e, p)
		}
	}
	// A not-found answer too, and an unsupported language reads English.
	if r := s.req("GET", "/api/dashboards/nope", admin, nil, "Accept-Language", "pt-BR"); r.status != 404 ||
		r.body["error"].(map[string]any)["message"] != "painel não encontrado" {
		t.Errorf("not found pt: %d %s", r.status, r.raw)
	}
	if r := s.req("GET", "/api/dashboards/nope", admin, nil, "Accept-Language", "fr"); r.body["error"].(map[string]any)["message"] != "dashboard not found" {
		t.Errorf("not found fr: %s", r.raw)
	}
}
