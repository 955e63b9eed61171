package app

import (
	"encoding/json"
	"errors"
)

// Realtime frame types (DESIGN.md §4; schema/realtime/frames.schema.json).
// Clients send SUBSCRIBE, UNSUBSCRIBE and PING; the server sends the rest.
const (
	FrameSubscribe   = "SUBSCRIBE"
	FrameUnsubscribe = "UNSUBSCRIBE"
	FramePing        = "PING"
	FramePong        = "PONG"
	FrameSnapshot    = "snapshot"
	FrameDelta       = "delta"
	FrameBanner      = "banner"
	FrameError       = "error"
	FrameRevoked     = "revoked"
	// FrameDashboard tells open sessions that a dashboard's definition
	// (layout, filters, widgets) changed, so they reload it.
	FrameDashboard = "dashboard"
)

// ClientFrame is a frame a client sends over WebSocket.
type ClientFrame struct {
	Type        string              `json:"type"`
	DashboardID string              `json:"dashboardId,omitempty"`
	WidgetIDs   []string            `json:"widgetIds,omitempty"`
	Filters     map[string][]string `json:"-"`
	RawFilters  json.RawMessage     `json:"filters,omitempty"`
	LastSeq     map[string]int64    `json:"lastSeq,omitempty"`
}

// ParseClientFrame decodes a client frame; filters may give a value or a
// list of values per key.
func ParseClientFrame(data []byte) (ClientFrame, error) {
	var f ClientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return f, errors.New("frame is not a JSON object of the realtime protocol")
	}
	if len(f.RawFilters) > 0 && string(f.RawFilters) != "null" {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(f.RawFilters, &raw); err != nil {
			return f, errors.New("filters must be an object")
		}
		f.Filters = make(map[string][]string, len(raw))
		for k, v := range raw {
			var one string
			if json.Unmarshal(v, &one) == nil {
				f.Filters[k] = []string{one}
				continue
			}
			var many []string
			if err := json.Unmarshal(v, &many); err != nil {
				return f, errors.New("filters." + k + " must be a string or a list of strings")
			}
			f.Filters[k] = many
		}
	}
	return f, nil
}

// SnapshotFrame is a widget's whole result. Rows are keyed by their first
// KeyColumns values; later deltas upsert and delete by that key.
type SnapshotFrame struct {
	Type       string        `json:"type"`
	WidgetID   string        `json:"widgetId"`
	Seq        int64         `json:"seq"`
	Columns    []QueryColumn `json:"columns"`
	KeyColumns int           `json:"keyColumns"`
	Rows       [][]any       `json:"rows"`
	Totals     []any         `json:"totals,omitempty"`
	At         int64         `json:"at"` // unix ms of the data
}

// DeltaFrame changes a widget's rows since the frame with Seq-1: rows in
// Upsert replace the row with the same key or are appended; keys in Delete
// are removed; when the row order changed (a ranking moved, a new key
// sorts in the middle) Order lists every key in the new order.
type DeltaFrame struct {
	Type     string  `json:"type"`
	WidgetID string  `json:"widgetId"`
	Seq      int64   `json:"seq"`
	Upsert   [][]any `json:"upsert"`
	Delete   [][]any `json:"delete"`
	Order    [][]any `json:"order,omitempty"`
	Totals   []any   `json:"totals,omitempty"`
	At       int64   `json:"at"`
}

// BannerFrame is a message shown on an open dashboard (trigger actions).
type BannerFrame struct {
	Type        string `json:"type"`
	DashboardID string `json:"dashboardId"`
	Level       string `json:"level"` // info | warning | critical
	Text        string `json:"text"`
}

// DashboardFrame says a dashboard's definition changed.
type DashboardFrame struct {
	Type        string `json:"type"`
	DashboardID string `json:"dashboardId"`
	Deleted     bool   `json:"deleted,omitempty"`
}

// ErrorFrame reports a refused frame or subscription, or why the server
// is about to close the connection. WidgetID names the subscription it is
// about, when there is one.
type ErrorFrame struct {
	Type     string `json:"type"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	WidgetID string `json:"widgetId,omitempty"`
}

// ControlFrame is a frame with a type only (PONG, revoked).
type ControlFrame struct {
	Type string `json:"type"`
}

// EncodeFrame renders a frame; frames are plain data, so it cannot fail
// for the types above, and a failure is returned as an internal error
// frame instead of breaking the stream.
func EncodeFrame(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(ErrorFrame{Type: FrameError, Code: "internal", Message: "frame could not be encoded"})
	}
	return b
}
