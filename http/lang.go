package http

import (
	"strconv"
	"strings"

	hz "github.com/cloudwego/hertz/pkg/app"

	"github.com/conductor/reports/domain"
)

// negotiateLang picks the language of error messages from an
// Accept-Language header: Brazilian Portuguese for any "pt" tag, English
// for "en" (and "*"), the highest q first and the earlier tag on a tie.
// English when the header is absent or names nothing supported, so API
// clients (modules, curl) keep reading the messages they always read.
func negotiateLang(header string) domain.Lang {
	best, bestQ := domain.LangEnglish, 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		var lang domain.Lang
		switch primary {
		case "pt":
			lang = domain.LangPortuguese
		case "en", "*":
			lang = domain.LangEnglish
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// requestLang is the language the request's reader asked for.
func requestLang(c *hz.RequestContext) domain.Lang {
	return negotiateLang(string(c.Request.Header.Peek("Accept-Language")))
}

// detailOf renders a domain Error for the reader of c.
func detailOf(c *hz.RequestContext, de *domain.Error) ErrorDetail {
	return ErrorDetail{Code: string(de.Code), Message: de.MessageIn(requestLang(c)), Field: de.Field}
}

// internalDetail is the envelope of an internal error: its text stays on
// the server.
func internalDetail(c *hz.RequestContext) ErrorDetail {
	return ErrorDetail{Code: string(domain.CodeInternal), Message: domain.Localize(requestLang(c), "internal error")}
}

// validationOf answers a query's validation problems for the reader of c:
// the first one in the envelope, every one in problems.
func validationOf(c *hz.RequestContext, ve *domain.ValidationError) validationBody {
	lang := requestLang(c)
	problems := make([]domain.Problem, len(ve.Problems))
	for i, p := range ve.Problems {
		problems[i] = domain.Problem{Path: p.Path, Message: p.MessageIn(lang)}
	}
	return validationBody{Error: ErrorDetail{Code: string(domain.CodeInvalid), Message: problems[0].Message, Field: problems[0].Path},
		Problems: problems}
}
