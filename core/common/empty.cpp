// Placeholder source for a module that has none yet.
