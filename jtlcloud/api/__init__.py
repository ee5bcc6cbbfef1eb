"""The JSON API (django-ninja), version 1."""
