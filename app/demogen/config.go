package demogen

import (
	"errors"
	"fmt"
	"time"

	"github.com/conductor/reports/app"
)

// Defaults and limits of Config.
const (
	DefaultDays   = 90
	DefaultEvents = 10_000
	// MaxDays keeps the whole history inside the ingest's default 400-day
	// age bound, with room for expenses spent before they were submitted.
	MaxDays = 366
	// MaxEvents bounds one data set (about 1 GB of envelopes).
	MaxEvents = 5_000_000
)

// Config describes one demo data set. Every zero value has a documented
// default except Now, which is required: reading the clock here would make
// the output irreproducible.
type Config struct {
	// Seed selects the data set; zero is a valid seed.
	Seed int64
	// Tenant is the tenant_id every envelope carries; "" means
	// app.DemoTenantSlug.
	Tenant string
	// Org is the organisation events refer to; no customers means
	// app.DemoOrg(). Every customer needs at least one site; contracts are
	// optional (tickets of a customer without one have a null contract).
	Org app.DemoOrgIDs
	// Now ends the history: every valid event happened at or before it.
	// Required. The ingest judges occurred_at by its own clock, so for
	// fault tests keep Now within the hour of it: future faults are 3 h
	// or more ahead of Now, ancient ones 401 days or more behind.
	Now time.Time
	// Days of history before Now; 0 means DefaultDays, at most MaxDays.
	Days int
	// Events is the approximate number of valid events (deterministic for a
	// Config, usually within a few per cent); 0 means DefaultEvents.
	Events int
	// DuplicateRate adds round(rate × valid events) replays: byte-identical
	// copies of valid envelopes sent again later. 0 (default) sends none.
	DuplicateRate float64
	// InvalidRate adds round(rate × valid events) invalid envelopes, their
	// kinds taken in turn from FaultKinds. 0 (default) sends none.
	InvalidRate float64
	// Zone is where business hours are kept; nil means UTC-3 (Brasília,
	// without daylight saving since 2019).
	Zone *time.Location
}

// resolve returns c with its defaults applied, or why it cannot be used.
func (c Config) resolve() (Config, error) {
	if c.Tenant == "" {
		c.Tenant = app.DemoTenantSlug
	}
	if len(c.Org.Customers) == 0 {
		c.Org = app.DemoOrg()
	}
	if c.Days == 0 {
		c.Days = DefaultDays
	}
	if c.Events == 0 {
		c.Events = DefaultEvents
	}
	if c.Zone == nil {
		c.Zone = time.FixedZone("BRT", -3*60*60)
	}
	c.Now = c.Now.UTC().Truncate(time.Second)
	return c, c.validate()
}

func (c Config) validate() error {
	var errs []error
	if c.Now.Unix() <= 0 {
		errs = append(errs, errors.New("demogen: now is required"))
	}
	if c.Days < 1 || c.Days > MaxDays {
		errs = append(errs, fmt.Errorf("demogen: days must be 1 to %d, got %d", MaxDays, c.Days))
	}
	if c.Events < 1 || c.Events > MaxEvents {
		errs = append(errs, fmt.Errorf("demogen: events must be 1 to %d, got %d", MaxEvents, c.Events))
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"duplicate", c.DuplicateRate}, {"invalid", c.InvalidRate}} {
		if !(r.v >= 0 && r.v <= 1) {
			errs = append(errs, fmt.Errorf("demogen: %s rate must be 0 to 1, got %v", r.name, r.v))
		}
	}
	if len(c.Org.Teams) == 0 || len(c.Org.CostCenters) == 0 {
		errs = append(errs, errors.New("demogen: the organisation needs teams and cost centres"))
	}
	for _, cu := range c.Org.Customers {
		if len(c.Org.Sites[cu]) == 0 {
			errs = append(errs, fmt.Errorf("demogen: customer %s has no site", cu))
		}
	}
	return errors.Join(errs...)
}
