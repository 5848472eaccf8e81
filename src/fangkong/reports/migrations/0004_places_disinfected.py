"""The typed indicator of disinfections (places.DisinfectionLog suggests it)."""

from django.db import migrations


def seed(apps, schema_editor):
    from fangkong.reports.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_report_totals")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
