"""Helpers that know nothing of JTL Cloud's models."""
