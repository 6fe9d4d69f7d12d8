// The Payments module.
