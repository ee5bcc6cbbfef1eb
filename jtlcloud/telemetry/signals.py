"""Signals other apps (alerts) listen to; sent after the data is committed."""

from django.dispatch import Signal

# Sent with installation=, batch= (jtlcloud.telemetry.batch.Batch), stored= (store.Stored).
batch_stored = Signal()
