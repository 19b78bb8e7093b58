"""xAPI statements: the lesson page they were sent from, and when they were counted in the learner's result.

Statements stored before this migration were counted in the request that stored them, so they get a non-null
`aggregated_at` (the migration time: a constant default, which PostgreSQL adds without rewriting the table) and
the column then loses its default (preserve_default=False), so new statements start uncounted.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0006_h5p_package_chooser'),
        ('h5p', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='xapistatement',
            name='aggregated_at',
            field=models.DateTimeField(blank=True, null=True, default=django.utils.timezone.now,
                                       verbose_name='counted in the result'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='xapistatement',
            name='lesson',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name='+', to='courses.lessonpage', verbose_name='lesson'),
        ),
        migrations.AddIndex(
            model_name='xapistatement',
            index=models.Index(condition=models.Q(('aggregated_at__isnull', True)), fields=['stored_at'],
                               name='h5p_xapi_unaggregated'),
        ),
    ]
