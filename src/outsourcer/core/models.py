"""Abstract bases every domain model shares."""

import uuid

from django.db import models


class PublicModel(models.Model):
    """Integer key inside, a random UUID wherever the outside world sees the row."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
