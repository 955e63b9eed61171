package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Lang is a language an error message can be rendered in. English is the
// language messages are written in; the others have a catalogue of the
// English format strings (messages_ptbr.go).
type Lang string

// The languages of error messages.
const (
	LangEnglish    Lang = "en"
	LangPortuguese Lang = "pt-BR"
)

// catalogues maps a language to its translations of the English formats.
// Each translation keeps the fmt verbs of its English format in the same
// order (checked by a test), so it takes the same arguments.
var catalogues = map[Lang]map[string]string{LangPortuguese: ptBR}

// notFoundFormat is the format of NotFound, whose noun takes the gender of
// its translation.
const notFoundFormat = "%s not found"

// Noun is an object name used as a message argument ("dashboard",
// "widget"...); it is translated with the message, in Portuguese with its
// article ("o painel", "a equipe").
type Noun string

// nounPT is a Portuguese noun and whether it is feminine.
type nounPT struct {
	word     string
	feminine bool
}

// ptNoun translates n; a name without translation (e.g. an unknown list
// kind typed in a URL) stays as it is.
func ptNoun(n Noun) nounPT {
	if t, ok := ptNouns[string(n)]; ok {
		return t
	}
	if rest, ok := strings.CutPrefix(string(n), "list "); ok {
		return nounPT{word: "lista " + rest, feminine: true}
	}
	return nounPT{word: string(n)}
}

// messageError is a plain error whose text is a catalogue message: the
// value errors of the query model (ResolveValue, CoerceValue...), which
// callers wrap as Invalid(path, "%v", err) where they know the path.
type messageError struct {
	format string
	args   []any
}

func (e *messageError) Error() string { return fmt.Sprintf(e.format, e.args...) }

// errorf is fmt.Errorf for messages a reader sees (no wrapping).
func errorf(format string, args ...any) error {
	return &messageError{format: format, args: args}
}

// MessageIn renders e's message in lang. English, and a message the
// catalogue of lang lacks, read as Message.
func (e *Error) MessageIn(lang Lang) string {
	if e.format == "" {
		return localize(lang, e.Message, nil, e.Message)
	}
	return localize(lang, e.format, e.args, e.Message)
}

// MessageIn renders p's message in lang, as Error.MessageIn does.
func (p Problem) MessageIn(lang Lang) string {
	if p.format == "" {
		return localize(lang, p.Message, nil, p.Message)
	}
	return localize(lang, p.format, p.args, p.Message)
}

// Localize renders an English format with args in lang: for the few
// messages the edge writes itself ("internal error").
func Localize(lang Lang, format string, args ...any) string {
	return localize(lang, format, args, fmt.Sprintf(format, args...))
}

func localize(lang Lang, format string, args []any, english string) string {
	cat, ok := catalogues[lang]
	if !ok {
		return english
	}
	if format == notFoundFormat && len(args) == 1 {
		if n, ok := args[0].(Noun); ok {
			t := ptNoun(n)
			if t.feminine {
				return t.word + " não encontrada"
			}
			return t.word + " não encontrado"
		}
	}
	tr, ok := cat[format]
	if !ok {
		return english
	}
	if len(args) == 0 {
		return tr
	}
	return fmt.Sprintf(tr, localArgs(lang, args)...)
}

// localArgs translates the arguments that are themselves messages: nouns,
// and errors carrying a domain Error (the message part of their text).
func localArgs(lang Lang, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case Noun:
			t := ptNoun(v)
			if t.feminine {
				out[i] = "a " + t.word
			} else {
				out[i] = "o " + t.word
			}
		case error:
			var de *Error
			var me *messageError
			switch {
			case errors.As(v, &de) && de.Message != "":
				out[i] = strings.Replace(v.Error(), de.Message, de.MessageIn(lang), 1)
			case errors.As(v, &me):
				en := me.Error()
				out[i] = strings.Replace(v.Error(), en, localize(lang, me.format, me.args, en), 1)
			default:
				out[i] = v
			}
		default:
			out[i] = a
		}
	}
	return out
}
