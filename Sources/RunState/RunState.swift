// The RunState module.
