// The TextFormats module.
