"""Ship the sample privacy policy as version 1, so /privacy has a text from the first start.

Operators publish their own version through the staff page or `jtlcloud load_policy`.
"""

import datetime as dt
from pathlib import Path

from django.db import migrations

SAMPLE = Path(__file__).resolve().parent.parent / "policies" / "sample_policy_v1.md"


def load_sample(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    if PolicyVersion.objects.exists():
        return
    PolicyVersion.objects.create(
        number=1,
        body_markdown=SAMPLE.read_text(encoding="utf-8"),
        effective_date=dt.date(2026, 1, 1),
        change_summary="First published version.",
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(load_sample, migrations.RunPython.noop)]
