"""The demo world: seeded organisations, people and installations, and live simulated data."""
