// The Batch module.
