package domain

import (
	"encoding/json"
	"time"
)

// Report is a saved query with parameters, run on demand or on schedule (R1.1).
type Report struct {
	ID          string
	TenantID    string
	Name        string
	Description string
	QueryJSON   json.RawMessage
	ParamsJSON  json.RawMessage
	OwnerID     string
	TeamID      string
	CustomerID  string
	Visibility  Visibility
	ScopeJSON   json.RawMessage
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NewReport validates a report; the query itself is validated against the
// source catalogue by the query engine.
func NewReport(id, tenantID, ownerID, name string, query json.RawMessage, vis Visibility, now time.Time) (*Report, error) {
	if err := requireOwned(id, tenantID, ownerID); err != nil {
		return nil, err
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	if len(query) == 0 || !json.Valid(query) {
		return nil, Invalid("query_json", "must be a JSON object")
	}
	if err := validEnum("visibility", vis, Visibilities); err != nil {
		return nil, err
	}
	return &Report{ID: id, TenantID: tenantID, OwnerID: ownerID, Name: name, QueryJSON: query,
		ParamsJSON: json.RawMessage(`{}`), ScopeJSON: json.RawMessage(`{}`), Visibility: vis,
		Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}, nil
}

// Resource returns what authorisation needs.
func (r *Report) Resource(teamIDs []string, grants []Grant) Resource {
	return Resource{Type: ObjectReport, ID: r.ID, TenantID: r.TenantID, OwnerID: r.OwnerID,
		Visibility: r.Visibility, TeamIDs: teamIDs, CustomerID: r.CustomerID, Grants: grants}
}

// ReportExecution is one run of a report (R1.3).
type ReportExecution struct {
	ID         string
	TenantID   string
	ReportID   string
	ExecutedBy string // user id, or "schedule:<id>"
	ExecutedAt time.Time
	Status     ExecutionStatus
	RuntimeMS  int64
	RowCount   int64
	ResultRef  string
	MetaJSON   json.RawMessage
	Error      string
}

// Finish records the outcome of a run; a finished run cannot finish twice.
func (e *ReportExecution) Finish(status ExecutionStatus, runtime time.Duration, rows int64, errMsg string) error {
	if e.Status != ExecRunning {
		return Conflict("execution %s already finished", e.ID)
	}
	if status == ExecRunning {
		return Invalid("status", "a run finishes as succeeded or failed")
	}
	if err := validEnum("status", status, ExecutionStatuses); err != nil {
		return err
	}
	e.Status, e.RuntimeMS, e.RowCount, e.Error = status, runtime.Milliseconds(), rows, errMsg
	return nil
}

// ReportSchedule runs a report on a cron or RRULE expression in a time zone (R1.2).
type ReportSchedule struct {
	ID                 string
	TenantID           string
	ReportID           string
	ScheduleExpr       string
	Timezone           string
	IsActive           bool
	NextRunAt          time.Time
	DeliveryConfigJSON json.RawMessage
}

// NewReportSchedule validates the parts that need no parser: the expression
// is parsed by the scheduler; the zone must be a known IANA name, checked
// by the caller with the zone database (domain does no I/O).
func NewReportSchedule(id, tenantID, reportID, expr, tz string) (*ReportSchedule, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("report_id", reportID); err != nil {
		return nil, err
	}
	expr, err := requireText("schedule_expr", expr, 500)
	if err != nil {
		return nil, err
	}
	tz, err = requireText("timezone", tz, 64)
	if err != nil {
		return nil, err
	}
	return &ReportSchedule{ID: id, TenantID: tenantID, ReportID: reportID, ScheduleExpr: expr,
		Timezone: tz, IsActive: true, DeliveryConfigJSON: json.RawMessage(`{}`)}, nil
}

// ReportTrigger fires actions when a report result matches a rule (R1.5, R1.6).
type ReportTrigger struct {
	ID          string
	TenantID    string
	ReportID    string
	RuleJSON    json.RawMessage
	ActionsJSON json.RawMessage
	IsActive    bool
	LastFiredAt time.Time
}
