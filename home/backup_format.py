"""Django's JSON serialisation for backups, keeping times to the microsecond.

Django's own JSON encoder shortens times to milliseconds, so a restored audit
entry would not be quite the entry that was backed up.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class PreciseEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", PreciseEncoder)
        super()._init_options()


Deserializer = django_json.Deserializer
