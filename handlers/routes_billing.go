package handlers

// Billing: invoices, recurring invoices, payments and Paysera callbacks.
var billingRoutes = []Route{}
