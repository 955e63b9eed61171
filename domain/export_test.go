package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// CompareDecodePaths runs ParseEvent's fast path on raw and, when it takes
// raw, checks that encoding/json (the slow path) decodes it to the same
// envelope and data. fast says whether the fast path took raw; err names a
// disagreement.
func CompareDecodePaths(raw []byte) (fast bool, err error) {
	env, data, ok := parseFast(raw)
	if !ok {
		return false, nil
	}
	var std envelope
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&std); err != nil {
		return true, fmt.Errorf("fast path took what encoding/json refuses: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return true, fmt.Errorf("fast path took trailing data")
	}
	fe, se := env, std
	fe.Data, se.Data = nil, nil
	if !reflect.DeepEqual(fe, se) {
		return true, fmt.Errorf("envelopes differ: fast %+v, encoding/json %+v", fe, se)
	}
	stdNull := len(bytes.TrimSpace(std.Data)) == 0 || bytes.Equal(bytes.TrimSpace(std.Data), []byte("null"))
	if stdNull != (data == nil) {
		return true, fmt.Errorf("data null: fast %v, encoding/json %v", data == nil, stdNull)
	}
	if stdNull {
		return true, nil
	}
	want, err := decodeData(std.Data)
	if err != nil {
		return true, fmt.Errorf("fast path took data encoding/json refuses: %v", err)
	}
	if !reflect.DeepEqual(data, want) {
		return true, fmt.Errorf("data differ: fast %#v, encoding/json %#v", data, want)
	}
	again, err := decodeData(env.Data)
	if err != nil || !reflect.DeepEqual(again, want) {
		return true, fmt.Errorf("fast path's Data %s decodes to %#v (%v)", env.Data, again, err)
	}
	return true, nil
}
