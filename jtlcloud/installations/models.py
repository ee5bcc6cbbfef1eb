"""Models of the installations app."""
