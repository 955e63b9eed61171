package domain

import "slices"

// enum is implemented by string enums so one generic validator serves them all.
type enum interface {
	~string
}

func parseEnum[T enum](field, s string, allowed []T) (T, error) {
	v := T(s)
	if slices.Contains(allowed, v) {
		return v, nil
	}
	return "", Invalid(field, "must be one of %v, got %q", allowed, s)
}

func validEnum[T enum](field string, v T, allowed []T) error {
	_, err := parseEnum(field, string(v), allowed)
	return err
}

// Visibility says who, beyond grants, may see a report or dashboard (R5.1).
type Visibility string

// Visibilities (R5.1).
const (
	VisibilityPrivate  Visibility = "private"
	VisibilityGroup    Visibility = "group"
	VisibilityCustomer Visibility = "customer"
	VisibilityPublic   Visibility = "public"
)

// Visibilities lists every Visibility.
var Visibilities = []Visibility{VisibilityPrivate, VisibilityGroup, VisibilityCustomer, VisibilityPublic}

// ParseVisibility validates s.
func ParseVisibility(s string) (Visibility, error) { return parseEnum("visibility", s, Visibilities) }

// Role is a user's role in a tenant; it caps what grants can give.
type Role string

// Tenant roles.
const (
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// Roles lists every tenant Role.
var Roles = []Role{RoleAdmin, RoleEditor, RoleViewer}

// ParseRole validates s.
func ParseRole(s string) (Role, error) { return parseEnum("role", s, Roles) }

// GrantRole is an object-level role given to a user or team (R5.2).
type GrantRole string

// Grant roles (R5.2).
const (
	GrantOwner  GrantRole = "owner"
	GrantEditor GrantRole = "editor"
	GrantViewer GrantRole = "viewer"
)

// GrantRoles lists every GrantRole.
var GrantRoles = []GrantRole{GrantOwner, GrantEditor, GrantViewer}

// ParseGrantRole validates s.
func ParseGrantRole(s string) (GrantRole, error) { return parseEnum("role", s, GrantRoles) }

// ObjectType names the kinds of objects that carry grants, audit rows and shares.
type ObjectType string

// Object types.
const (
	ObjectReport    ObjectType = "report"
	ObjectDashboard ObjectType = "dashboard"
	ObjectWidget    ObjectType = "widget"
	ObjectSnapshot  ObjectType = "snapshot"
)

// GrantObjectTypes are the object types that take grants (R5.2).
var GrantObjectTypes = []ObjectType{ObjectReport, ObjectDashboard}

// ShareObjectTypes are the object types a share token may point at (R4.4).
var ShareObjectTypes = []ObjectType{ObjectReport, ObjectDashboard, ObjectWidget, ObjectSnapshot}

// ParseGrantObjectType validates s as an object type that takes grants.
func ParseGrantObjectType(s string) (ObjectType, error) {
	return parseEnum("object_type", s, GrantObjectTypes)
}

// SubjectType says whether a grant or policy applies to a user or a team.
type SubjectType string

// Subject types.
const (
	SubjectUser SubjectType = "user"
	SubjectTeam SubjectType = "team"
)

// SubjectTypes lists every SubjectType.
var SubjectTypes = []SubjectType{SubjectUser, SubjectTeam}

// ParseSubjectType validates s.
func ParseSubjectType(s string) (SubjectType, error) {
	return parseEnum("subject_type", s, SubjectTypes)
}

// WidgetType is the kind of a widget (R2.2).
type WidgetType string

// Widget types (R2.2).
const (
	WidgetChart WidgetType = "chart"
	WidgetTable WidgetType = "table"
	WidgetKPI   WidgetType = "kpi"
	WidgetText  WidgetType = "text"
)

// WidgetTypes lists every WidgetType.
var WidgetTypes = []WidgetType{WidgetChart, WidgetTable, WidgetKPI, WidgetText}

// Viz is how a widget draws its data (R3.1-R3.3).
type Viz string

// Visualisations (R3.1).
const (
	VizBar     Viz = "bar"
	VizLine    Viz = "line"
	VizArea    Viz = "area"
	VizPie     Viz = "pie"
	VizDonut   Viz = "donut"
	VizTreemap Viz = "treemap"
	VizHeatmap Viz = "heatmap"
	VizTable   Viz = "table"
	VizKPI     Viz = "kpi"
	VizText    Viz = "text"
)

// Vizs lists every Viz.
var Vizs = []Viz{VizBar, VizLine, VizArea, VizPie, VizDonut, VizTreemap, VizHeatmap, VizTable, VizKPI, VizText}

// vizByType says which visualisations fit each widget type.
var vizByType = map[WidgetType][]Viz{
	WidgetChart: {VizBar, VizLine, VizArea, VizPie, VizDonut, VizTreemap, VizHeatmap},
	WidgetTable: {VizTable},
	WidgetKPI:   {VizKPI},
	WidgetText:  {VizText},
}

// TokenMode says whether a share link needs a login too (R4.1).
type TokenMode string

// Token modes (R4.1).
const (
	TokenNoLogin   TokenMode = "no_login"
	TokenWithLogin TokenMode = "with_login"
)

// TokenModes lists every TokenMode.
var TokenModes = []TokenMode{TokenNoLogin, TokenWithLogin}

// Severity ranks an alert.
type Severity string

// Severities.
const (
	SeverityInfo Severity = "info"
	SeverityWarn Severity = "warn"
	SeverityCrit Severity = "crit"
)

// Severities lists every Severity.
var Severities = []Severity{SeverityInfo, SeverityWarn, SeverityCrit}

// AlertStatus is where an alert is in its life (R6.2).
type AlertStatus string

// Alert statuses (R6.2).
const (
	AlertOpen   AlertStatus = "open"
	AlertAcked  AlertStatus = "acked"
	AlertClosed AlertStatus = "closed"
)

// AlertStatuses lists every AlertStatus.
var AlertStatuses = []AlertStatus{AlertOpen, AlertAcked, AlertClosed}

// AlertSource says what raised an alert.
type AlertSource string

// Alert sources.
const (
	AlertFromTrigger AlertSource = "trigger"
	AlertFromMetric  AlertSource = "metric"
	AlertManual      AlertSource = "manual"
)

// AlertSources lists every AlertSource.
var AlertSources = []AlertSource{AlertFromTrigger, AlertFromMetric, AlertManual}

// ExecutionStatus is the state of one report run (R1.3).
type ExecutionStatus string

// Execution statuses.
const (
	ExecRunning   ExecutionStatus = "running"
	ExecSucceeded ExecutionStatus = "succeeded"
	ExecFailed    ExecutionStatus = "failed"
)

// ExecutionStatuses lists every ExecutionStatus.
var ExecutionStatuses = []ExecutionStatus{ExecRunning, ExecSucceeded, ExecFailed}

// NotificationChannel is how a notification is delivered (R1.6).
type NotificationChannel string

// Notification channels (R1.6).
const (
	ChannelInApp   NotificationChannel = "in_app"
	ChannelEmail   NotificationChannel = "email"
	ChannelWebhook NotificationChannel = "webhook"
)

// NotificationChannels lists every NotificationChannel.
var NotificationChannels = []NotificationChannel{ChannelInApp, ChannelEmail, ChannelWebhook}

// String helpers so enums print plainly in messages.
func (v Visibility) String() string { return string(v) }

// String returns the role's name.
func (r Role) String() string { return string(r) }
