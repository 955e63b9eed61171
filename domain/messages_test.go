package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// message is one English message format found in the sources, or one
// noun given to NotFound.
type message struct {
	text string
	pos  string
}

// scanMessages parses every non-test Go file of the module and returns the
// constant formats given to the error constructors (Invalid, Errorf,
// Forbidden, Conflict, the query validator's add, domain's errorf,
// Localize, the stores' writeErr conflicts, and Error literals' Message) and the constant nouns given to NotFound and to the
// metadata stores' not-found helpers. Formats that are not constants are
// returned apart, so the test can say where they are.
func scanMessages(t *testing.T, root string) (formats, nouns, dynamic []message) {
	t.Helper()
	// The argument index of the format, by constructor name.
	// The metadata stores' writeErr passes its conflict format to Conflict.
	formatArg := map[string]int{"Invalid": 1, "Errorf": 1, "Forbidden": 0, "Conflict": 0, "Localize": 1, "writeErr": 2, "errorf": 0}
	// The argument index of the noun, by helper name.
	nounArg := map[string]int{"NotFound": 0, "getOne": 2, "affectOne": 1}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "web", "node_modules", "testdata", "vendor", ".git":
				return filepath.SkipDir
			}
			// Test support packages (storetest, testenv...) answer tests only.
			if strings.HasSuffix(d.Name(), "test") || d.Name() == "testenv" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inDomain := f.Name.Name == "domain"
		// name returns the constructor a call names: domain.X from
		// outside, X inside package domain, v.add inside domain.
		name := func(call *ast.CallExpr) string {
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok {
					if x.Name == "domain" {
						return fn.Sel.Name
					}
					if inDomain && x.Name == "v" && fn.Sel.Name == "add" {
						return "Invalid"
					}
				}
			case *ast.Ident:
				if inDomain || fn.Name == "getOne" || fn.Name == "affectOne" {
					return fn.Name
				}
			case *ast.IndexExpr: // getOne[T](...)
				if id, ok := fn.X.(*ast.Ident); ok {
					return id.Name
				}
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "affectOne" || sel.Sel.Name == "writeErr") {
				return sel.Sel.Name
			}
			return ""
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				fn := name(n)
				pos := fset.Position(n.Pos()).String()
				if i, ok := formatArg[fn]; ok && len(n.Args) > i {
					if s, ok := constString(n.Args[i]); ok {
						formats = append(formats, message{s, pos})
					} else {
						dynamic = append(dynamic, message{fn, pos})
					}
				}
				if i, ok := nounArg[fn]; ok && len(n.Args) > i {
					if s, ok := constString(n.Args[i]); ok {
						nouns = append(nouns, message{s, pos})
					}
				}
			case *ast.CompositeLit:
				if !isErrorType(n.Type, inDomain) {
					return true
				}
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Message" {
						continue
					}
					pos := fset.Position(kv.Pos()).String()
					if s, ok := constString(kv.Value); ok {
						formats = append(formats, message{s, pos})
					} else if !isSprintf(kv.Value) && !isProblemField(kv.Value) {
						dynamic = append(dynamic, message{"Error literal", pos})
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return formats, nouns, dynamic
}

// isErrorType reports whether a composite literal's type is domain.Error.
func isErrorType(e ast.Expr, inDomain bool) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "domain" && e.Sel.Name == "Error"
	case *ast.Ident:
		return inDomain && e.Name == "Error"
	}
	return false
}

// isSprintf: a literal whose Message is fmt.Sprintf(format, args...) keeps
// its format too (the constructors and the As methods of domain).
func isSprintf(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	s, ok := c.Fun.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "Sprintf"
}

// isProblemField: a ValidationError's Error copies its problem's message
// and format (p.Message).
func isProblemField(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "Message"
}

// constString evaluates a string literal or a sum of them.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := constString(e.X)
		b, ok2 := constString(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return constString(e.X)
	}
	return "", false
}

// dynamicFormats are the places whose message is not a constant, each
// with why it needs no catalogue entry of its own.
var dynamicFormats = map[string]string{
	"domain/errors.go":                  "NotFound's literal: its noun is translated (ptNouns)",
	"store/internal/sqlmeta/sqlmeta.go": "writeErr passes its conflict format on; scanned at writeErr's callers",
}

func TestEveryErrorMessageHasAPortugueseTranslation(t *testing.T) {
	formats, nouns, dynamic := scanMessages(t, "..")
	if len(formats) < 150 {
		t.Fatalf("the scan found only %d message formats: is it reading the sources?", len(formats))
	}
	var missing []string
	for _, m := range formats {
		if _, ok := ptBR[m.text]; !ok {
			missing = append(missing, m.pos+": "+strconv.Quote(m.text))
		}
	}
	for _, m := range nouns {
		if _, ok := ptNouns[m.text]; !ok {
			missing = append(missing, m.pos+": noun "+strconv.Quote(m.text))
		}
	}
	for _, ot := range []ObjectType{ObjectReport, ObjectDashboard, ObjectWidget, ObjectSnapshot} {
		if _, ok := ptNouns[string(ot)]; !ok {
			missing = append(missing, "object type noun "+strconv.Quote(string(ot)))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("%d messages have no pt-BR entry (add them to ptBR or ptNouns in domain/messages_ptbr.go):\n%s", len(missing), strings.Join(missing, "\n"))
	}
	for _, d := range dynamic {
		file, _, _ := strings.Cut(filepath.ToSlash(strings.TrimPrefix(d.pos, ".."+string(filepath.Separator))), ":")
		if _, known := dynamicFormats[file]; !known {
			t.Errorf("%s: %s with a format that is not a constant string: the catalogue cannot translate it (use a constant format and pass the variable part as an argument)", d.pos, d.text)
		}
	}
	// An entry no message uses any more is dead weight.
	used := map[string]bool{notFoundFormat: true, "%s was changed by someone else (now at version %d); reload and retry": true}
	for _, m := range formats {
		used[m.text] = true
	}
	for k := range ptBR {
		if !used[k] {
			t.Errorf("ptBR has %q, which no message uses", k)
		}
	}
}

// verbRE matches one fmt verb (flags, width, precision, then the verb).
var verbRE = regexp.MustCompile(`%[-+# 0]*(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)

func verbs(s string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

func TestTranslationsKeepTheVerbs(t *testing.T) {
	for en, pt := range ptBR {
		if strings.TrimSpace(pt) == "" {
			t.Errorf("%q has an empty translation", en)
			continue
		}
		if a, b := verbs(en), verbs(pt); !slices.Equal(a, b) {
			t.Errorf("%q -> %q: verbs %v become %v", en, pt, a, b)
		}
	}
	for en, n := range ptNouns {
		if n.word == "" || strings.Contains(n.word, "%") {
			t.Errorf("noun %q -> %q", en, n.word)
		}
	}
	// The check can fail.
	if slices.Equal(verbs("must be %d, got %q"), verbs("deve ser %q, recebido %d")) {
		t.Error("verbs() misses a swap")
	}
}

func TestMessagesInPortuguese(t *testing.T) {
	cases := []struct {
		err     error
		en, pt  string
		code    Code
		field   string
		comment string
	}{
		{Invalid("limit", "must be between 0 and %d", 10), "must be between 0 and 10", "deve estar entre 0 e 10", CodeInvalid, "limit", "args kept"},
		{NotFound("dashboard"), "dashboard not found", "painel não encontrado", CodeNotFound, "", "masculine noun"},
		{NotFound("api key"), "api key not found", "chave de API não encontrada", CodeNotFound, "", "feminine noun"},
		{NotFound("list foo"), "list foo not found", "lista foo não encontrada", CodeNotFound, "", "unknown list kind"},
		{NotFound("gizmo"), "gizmo not found", "gizmo não encontrado", CodeNotFound, "", "unknown noun kept"},
		{&VersionConflictError{What: "dashboard", Expected: 2, Current: 3},
			"dashboard was changed by someone else (now at version 3); reload and retry",
			"outra pessoa alterou o painel (agora na versão 3); recarregue e tente de novo", CodeConflict, "version", "noun argument"},
		{Invalid("subject_id", "unknown %s", Noun("team")), "unknown team", "a equipe não existe", CodeInvalid, "subject_id", "feminine noun argument"},
		{Forbidden("%s on %s %s needs the %s role", ActionEdit, Noun("dashboard"), "d1", GrantEditor), "edit on dashboard d1 needs the editor role",
			"a ação edit sobre o painel d1 requer o papel editor", CodeForbidden, "", "identifiers kept"},
		{&Error{Code: CodeUnauthenticated, Message: "authentication required"}, "authentication required", "autenticação necessária", CodeUnauthenticated, "", "literal"},
		{&Error{Code: CodeInvalid, Message: "no such message in any catalogue"}, "no such message in any catalogue", "no such message in any catalogue", CodeInvalid, "", "untranslated stays English"},
	}
	for _, c := range cases {
		var de *Error
		if !errors.As(c.err, &de) {
			t.Fatalf("%s: not a domain error", c.comment)
		}
		if de.Message != c.en || de.MessageIn(LangEnglish) != c.en {
			t.Errorf("%s: English %q / %q, want %q", c.comment, de.Message, de.MessageIn(LangEnglish), c.en)
		}
		if got := de.MessageIn(LangPortuguese); got != c.pt {
			t.Errorf("%s: pt-BR %q, want %q", c.comment, got, c.pt)
		}
		if de.Code != c.code || de.Field != c.field {
			t.Errorf("%s: code/field %s/%s", c.comment, de.Code, de.Field)
		}
	}
}

// An error argument carrying a domain Error is translated in place.
func TestErrorArgumentsAreTranslated(t *testing.T) {
	inner := Invalid("params.x", "must be a number")
	e := Invalid("compare", "%v", inner)
	if e.Message != "invalid: must be a number (params.x)" {
		t.Fatalf("English changed: %q", e.Message)
	}
	if got := e.MessageIn(LangPortuguese); got != "invalid: deve ser um número (params.x)" {
		t.Errorf("pt-BR %q", got)
	}
}

// The query model's value errors reach the reader translated through the
// Invalid that wraps them, and read as before in English.
func TestValueErrorsAreTranslated(t *testing.T) {
	num := &Field{Name: "n", Type: TypeInt}
	_, err := CoerceValue(num, "x", time.Time{}, nil)
	e := Invalid("filters", "%s: %v", "n", err)
	if e.Message != "n: must be a number" || e.MessageIn(LangPortuguese) != "n: deve ser um número" {
		t.Errorf("%q / %q", e.Message, e.MessageIn(LangPortuguese))
	}
	dec := &Field{Name: "d", Type: TypeDecimal, Scale: 2}
	_, err = CoerceValue(dec, json.Number("1.234"), time.Time{}, nil)
	e = Invalid("filters[0].value", "%v", err)
	if e.Message != "must have at most 2 decimal places" || e.MessageIn(LangPortuguese) != "deve ter no máximo 2 casas decimais" {
		t.Errorf("%q / %q", e.Message, e.MessageIn(LangPortuguese))
	}
	_, err = ResolveValue("{{nope}}", nil)
	e = Invalid("filters", "%v", fmt.Errorf("wrapped: %w", err))
	if e.Message != `wrapped: unknown parameter "nope"` || e.MessageIn(LangPortuguese) != `wrapped: parâmetro desconhecido "nope"` {
		t.Errorf("%q / %q", e.Message, e.MessageIn(LangPortuguese))
	}
}
