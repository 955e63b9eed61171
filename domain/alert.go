package domain

import (
	"encoding/json"
	"time"
)

// Alert is raised by a trigger, a widget metric or by hand (R6.1), and
// worked in the alert centre (R6.2).
type Alert struct {
	ID          string
	TenantID    string
	Name        string
	SourceType  AlertSource
	ObjectID    string
	Severity    Severity
	Status      AlertStatus
	PayloadJSON json.RawMessage
	CreatedAt   time.Time
	ClosedAt    time.Time
}

// NewAlert validates an alert; alerts are born open.
func NewAlert(id, tenantID, name string, src AlertSource, objectID string, sev Severity, now time.Time) (*Alert, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	if err := validEnum("source_type", src, AlertSources); err != nil {
		return nil, err
	}
	if err := validEnum("severity", sev, Severities); err != nil {
		return nil, err
	}
	return &Alert{ID: id, TenantID: tenantID, Name: name, SourceType: src, ObjectID: objectID,
		Severity: sev, Status: AlertOpen, PayloadJSON: json.RawMessage(`{}`), CreatedAt: now.UTC()}, nil
}

// alertMoves lists the allowed status transitions.
var alertMoves = map[AlertStatus][]AlertStatus{
	AlertOpen:   {AlertAcked, AlertClosed},
	AlertAcked:  {AlertOpen, AlertClosed},
	AlertClosed: {AlertOpen},
}

// Transition moves the alert to status and returns the history event.
func (a *Alert) Transition(eventID, userID string, to AlertStatus, now time.Time) (*AlertEvent, error) {
	if err := validEnum("status", to, AlertStatuses); err != nil {
		return nil, err
	}
	ok := false
	for _, s := range alertMoves[a.Status] {
		ok = ok || s == to
	}
	if !ok {
		return nil, Conflict("alert %s cannot go from %s to %s", a.ID, a.Status, to)
	}
	ev := &AlertEvent{ID: eventID, TenantID: a.TenantID, AlertID: a.ID, UserID: userID, From: a.Status, To: to, CreatedAt: now.UTC()}
	a.Status = to
	if to == AlertClosed {
		a.ClosedAt = now.UTC()
	} else {
		a.ClosedAt = time.Time{}
	}
	return ev, nil
}

// AlertEvent is one status change in an alert's history (R6.2).
type AlertEvent struct {
	ID        string
	TenantID  string
	AlertID   string
	UserID    string
	From      AlertStatus
	To        AlertStatus
	CreatedAt time.Time
}

// AlertComment is a note on an alert (R6.2).
type AlertComment struct {
	ID        string
	TenantID  string
	AlertID   string
	UserID    string
	Body      string
	CreatedAt time.Time
}

// NewAlertComment validates a comment.
func NewAlertComment(id, tenantID, alertID, userID, body string, now time.Time) (*AlertComment, error) {
	if err := requireID("alert_id", alertID); err != nil {
		return nil, err
	}
	body, err := requireText("body", body, 10000)
	if err != nil {
		return nil, err
	}
	return &AlertComment{ID: id, TenantID: tenantID, AlertID: alertID, UserID: userID, Body: body, CreatedAt: now.UTC()}, nil
}

// Notification is an in-app message to a user (R1.6).
type Notification struct {
	ID        string
	TenantID  string
	UserID    string
	Channel   NotificationChannel
	Title     string
	Body      string
	Link      string
	CreatedAt time.Time
	ReadAt    time.Time
}

// NewNotification validates a notification.
func NewNotification(id, tenantID, userID string, ch NotificationChannel, title, body string, now time.Time) (*Notification, error) {
	if err := requireID("user_id", userID); err != nil {
		return nil, err
	}
	if err := validEnum("channel", ch, NotificationChannels); err != nil {
		return nil, err
	}
	title, err := requireText("title", title, 200)
	if err != nil {
		return nil, err
	}
	return &Notification{ID: id, TenantID: tenantID, UserID: userID, Channel: ch, Title: title, Body: body, CreatedAt: now.UTC()}, nil
}
