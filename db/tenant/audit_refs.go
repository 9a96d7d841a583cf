package tenant

import (
	"context"
	"fmt"
	"strings"

	"mintedmind/db"
)

// AuditRefs names what a page of audit entries points at, so that the log
// can say "Rūta issued invoice INV-2026-0003 to Acme" rather than ids. An
// entry's target is an id (of a client, invoice, document, recurring
// invoice or person) or an email; whatever no longer exists (an erased
// client, a deleted draft) is simply absent.
type AuditRefs struct {
	People    map[string]AuditPerson   // by id and by lower-case email
	Clients   map[string]string        // id → name
	Invoices  map[string]AuditInvoice  // by id
	Documents map[string]AuditDocument // by id
	Recurring map[string]AuditRecurring
}

// AuditPerson is a person an entry names.
type AuditPerson struct {
	ID, Name, Email, Role, ClientID string
}

// AuditInvoice is an invoice (or credit note) an entry names.
type AuditInvoice struct {
	ID, Number, ClientID, ClientName string
	CreditNote                       bool
}

// AuditDocument is a document an entry names, with its case.
type AuditDocument struct {
	ID, Name, CaseID string
}

// AuditRecurring is a recurring invoice an entry names.
type AuditRecurring struct {
	ID, ClientID, ClientName string
}

// AuditRefs looks up what entries name: their actors and targets.
func (t *Store) AuditRefs(ctx context.Context, entries []Audit) (*AuditRefs, error) {
	refs := &AuditRefs{People: map[string]AuditPerson{}, Clients: map[string]string{}, Invoices: map[string]AuditInvoice{},
		Documents: map[string]AuditDocument{}, Recurring: map[string]AuditRecurring{}}
	seen := map[string]bool{}
	var keys []any
	for _, e := range entries {
		for _, k := range []string{e.ActorID, e.Target, strings.ToLower(e.Target)} {
			if k != "" && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return refs, nil
	}
	// Each key is looked for in every table: ids are UUIDs, emails only
	// match emails. Pages are at most a few hundred entries; one query per
	// table, in chunks within SQLite's parameter limit.
	for start := 0; start < len(keys); start += 400 {
		chunk := keys[start:min(len(keys), start+400)]
		in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",") + ")"
		if err := t.auditPeople(ctx, refs, in, chunk); err != nil {
			return nil, err
		}
		rows, err := db.QueryList(ctx, t.Read(), "audit clients", func(r db.Scanner) ([2]string, error) {
			var v [2]string
			return v, r.Scan(&v[0], &v[1])
		}, `SELECT id, name FROM clients WHERE id IN `+in, chunk...)
		if err != nil {
			return nil, err
		}
		for _, v := range rows {
			refs.Clients[v[0]] = v[1]
		}
		invoices, err := db.QueryList(ctx, t.Read(), "audit invoices", func(r db.Scanner) (AuditInvoice, error) {
			var v AuditInvoice
			var kind string
			err := r.Scan(&v.ID, &v.Number, &v.ClientID, &v.ClientName, &kind)
			v.CreditNote = kind == "credit_note"
			return v, err
		}, `SELECT i.id, COALESCE(i.number, ''), i.client_id, COALESCE(c.name, ''), i.kind FROM invoices i LEFT JOIN clients c ON c.id = i.client_id WHERE i.id IN `+in, chunk...)
		if err != nil {
			return nil, err
		}
		for _, v := range invoices {
			refs.Invoices[v.ID] = v
		}
		docs, err := db.QueryList(ctx, t.Read(), "audit documents", func(r db.Scanner) (AuditDocument, error) {
			var v AuditDocument
			return v, r.Scan(&v.ID, &v.Name, &v.CaseID)
		}, `SELECT id, name, COALESCE(case_id, '') FROM documents WHERE id IN `+in, chunk...)
		if err != nil {
			return nil, err
		}
		for _, v := range docs {
			refs.Documents[v.ID] = v
		}
		recs, err := db.QueryList(ctx, t.Read(), "audit recurring invoices", func(r db.Scanner) (AuditRecurring, error) {
			var v AuditRecurring
			return v, r.Scan(&v.ID, &v.ClientID, &v.ClientName)
		}, `SELECT r.id, r.client_id, COALESCE(c.name, '') FROM recurring_invoices r LEFT JOIN clients c ON c.id = r.client_id WHERE r.id IN `+in, chunk...)
		if err != nil {
			return nil, err
		}
		for _, v := range recs {
			refs.Recurring[v.ID] = v
		}
	}
	return refs, nil
}

func (t *Store) auditPeople(ctx context.Context, refs *AuditRefs, in string, keys []any) error {
	people, err := db.QueryList(ctx, t.Read(), "audit people", func(r db.Scanner) (AuditPerson, error) {
		var v AuditPerson
		return v, r.Scan(&v.ID, &v.Name, &v.Email, &v.Role, &v.ClientID)
	}, `SELECT id, name, email, role, COALESCE(client_id, '') FROM users WHERE id IN `+in+` OR email IN `+in, append(append([]any{}, keys...), keys...)...)
	if err != nil {
		return fmt.Errorf("db: audit people: %w", err)
	}
	for _, p := range people {
		refs.People[p.ID] = p
		refs.People[strings.ToLower(p.Email)] = p
	}
	return nil
}
