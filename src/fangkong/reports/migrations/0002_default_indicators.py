from django.db import migrations


def seed(apps, schema_editor):
    from fangkong.reports.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
