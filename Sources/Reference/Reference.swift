// The Reference module.
