// Package app holds the application's rules that span more than one
// store or reach a provider: signing an agency up (the control database and
// the agency's own), sending an invoice (its PDF and the outbox), checking
// a Paysera callback. The stores (db/control, db/tenant) only store; the
// handlers and jobs call this package for what needs more. It is where the
// application layer is being built: more of the handlers' rules will move
// here.
package app
