package domain

import "time"

// Customer is a client of the tenant whose tickets, sites and contracts are reported on.
type Customer struct {
	ID        string
	TenantID  string
	Name      string
	CreatedAt time.Time
}

// NewCustomer validates a customer.
func NewCustomer(id, tenantID, name string, now time.Time) (*Customer, error) {
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
	return &Customer{ID: id, TenantID: tenantID, Name: name, CreatedAt: now.UTC()}, nil
}

// Site is a place of a customer (the level below customer in drill-downs).
type Site struct {
	ID         string
	TenantID   string
	CustomerID string
	Name       string
	CreatedAt  time.Time
}

// NewSite validates a site; every site belongs to a customer.
func NewSite(id, tenantID, customerID, name string, now time.Time) (*Site, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	if err := requireID("customer_id", customerID); err != nil {
		return nil, err
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	return &Site{ID: id, TenantID: tenantID, CustomerID: customerID, Name: name, CreatedAt: now.UTC()}, nil
}

// Contract is a service agreement with a customer.
type Contract struct {
	ID         string
	TenantID   string
	CustomerID string
	Name       string
	CreatedAt  time.Time
}

// NewContract validates a contract; every contract belongs to a customer.
func NewContract(id, tenantID, customerID, name string, now time.Time) (*Contract, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	if err := requireID("customer_id", customerID); err != nil {
		return nil, err
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	return &Contract{ID: id, TenantID: tenantID, CustomerID: customerID, Name: name, CreatedAt: now.UTC()}, nil
}

// CostCenter is an accounting unit expenses are booked to.
type CostCenter struct {
	ID        string
	TenantID  string
	Code      string
	Name      string
	CreatedAt time.Time
}

// NewCostCenter validates a cost centre.
func NewCostCenter(id, tenantID, code, name string, now time.Time) (*CostCenter, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	code, err := requireText("code", code, 50)
	if err != nil {
		return nil, err
	}
	name, err = requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	return &CostCenter{ID: id, TenantID: tenantID, Code: code, Name: name, CreatedAt: now.UTC()}, nil
}
