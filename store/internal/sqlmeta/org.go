package sqlmeta

import (
	"context"

	"github.com/conductor/reports/domain"
)

const customerCols = "id, tenant_id, name, created_at"

func scanCustomer(s scanner) (*domain.Customer, error) {
	var c domain.Customer
	if err := s.Scan(&c.ID, &c.TenantID, &c.Name, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}

// GetCustomer returns the customer id of tenantID.
func (r Reader) GetCustomer(ctx context.Context, tenantID, id string) (*domain.Customer, error) {
	return getOne(ctx, r, "customer", scanCustomer,
		"SELECT "+customerCols+" FROM customers WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// ListCustomers returns the customers of tenantID, by name.
func (r Reader) ListCustomers(ctx context.Context, tenantID string) ([]domain.Customer, error) {
	return listAll(ctx, r, "customers", scanCustomer,
		"SELECT "+customerCols+" FROM customers WHERE tenant_id = ? ORDER BY name, id", tenantID)
}

// CreateCustomer inserts c.
func (x *Tx) CreateCustomer(ctx context.Context, c *domain.Customer) error {
	_, err := x.exec(ctx, "INSERT INTO customers ("+customerCols+") VALUES (?, ?, ?, ?)",
		c.ID, c.TenantID, c.Name, x.d.timeArg(c.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create customer "+c.ID, "customer id is taken", "tenant_id")
	}
	return nil
}

const siteCols = "id, tenant_id, customer_id, name, created_at"

func scanSite(s scanner) (*domain.Site, error) {
	var v domain.Site
	if err := s.Scan(&v.ID, &v.TenantID, &v.CustomerID, &v.Name, &v.CreatedAt); err != nil {
		return nil, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return &v, nil
}

// ListSites returns the sites of tenantID, by name.
func (r Reader) ListSites(ctx context.Context, tenantID string) ([]domain.Site, error) {
	return listAll(ctx, r, "sites", scanSite,
		"SELECT "+siteCols+" FROM sites WHERE tenant_id = ? ORDER BY name, id", tenantID)
}

// CreateSite inserts s; its customer must belong to the same tenant.
func (x *Tx) CreateSite(ctx context.Context, s *domain.Site) error {
	if err := x.requireRefs(ctx, s.TenantID, ref{field: "customer_id", table: "customers", id: s.CustomerID}); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO sites ("+siteCols+") VALUES (?, ?, ?, ?, ?)",
		s.ID, s.TenantID, s.CustomerID, s.Name, x.d.timeArg(s.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create site "+s.ID, "site id is taken", "customer_id")
	}
	return nil
}

const contractCols = "id, tenant_id, customer_id, name, created_at"

func scanContract(s scanner) (*domain.Contract, error) {
	var v domain.Contract
	if err := s.Scan(&v.ID, &v.TenantID, &v.CustomerID, &v.Name, &v.CreatedAt); err != nil {
		return nil, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return &v, nil
}

// ListContracts returns the contracts of tenantID, by name.
func (r Reader) ListContracts(ctx context.Context, tenantID string) ([]domain.Contract, error) {
	return listAll(ctx, r, "contracts", scanContract,
		"SELECT "+contractCols+" FROM contracts WHERE tenant_id = ? ORDER BY name, id", tenantID)
}

// CreateContract inserts c; its customer must belong to the same tenant.
func (x *Tx) CreateContract(ctx context.Context, c *domain.Contract) error {
	if err := x.requireRefs(ctx, c.TenantID, ref{field: "customer_id", table: "customers", id: c.CustomerID}); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO contracts ("+contractCols+") VALUES (?, ?, ?, ?, ?)",
		c.ID, c.TenantID, c.CustomerID, c.Name, x.d.timeArg(c.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create contract "+c.ID, "contract id is taken", "customer_id")
	}
	return nil
}

const costCenterCols = "id, tenant_id, code, name, created_at"

func scanCostCenter(s scanner) (*domain.CostCenter, error) {
	var v domain.CostCenter
	if err := s.Scan(&v.ID, &v.TenantID, &v.Code, &v.Name, &v.CreatedAt); err != nil {
		return nil, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return &v, nil
}

// ListCostCenters returns the cost centres of tenantID, by code.
func (r Reader) ListCostCenters(ctx context.Context, tenantID string) ([]domain.CostCenter, error) {
	return listAll(ctx, r, "cost centers", scanCostCenter,
		"SELECT "+costCenterCols+" FROM cost_centers WHERE tenant_id = ? ORDER BY code", tenantID)
}

// CreateCostCenter inserts c; codes are unique within a tenant.
func (x *Tx) CreateCostCenter(ctx context.Context, c *domain.CostCenter) error {
	_, err := x.exec(ctx, "INSERT INTO cost_centers ("+costCenterCols+") VALUES (?, ?, ?, ?, ?)",
		c.ID, c.TenantID, c.Code, c.Name, x.d.timeArg(c.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create cost center "+c.ID, "cost center code %s is taken", "tenant_id", c.Code)
	}
	return nil
}
