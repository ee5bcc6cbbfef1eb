"""Users (email + PIN), organisations, memberships and staff roles."""
