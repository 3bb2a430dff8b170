"""What the API accepts before any handler runs: JSON a person or program could mean.

- Bodies nest at most ``MAX_DEPTH`` levels (a 100,000-deep array used to overflow the stack).
- No NUL character in any key or string: PostgreSQL cannot store one, and no field means one.
- Pages of lists: ``limit`` 1 to 1,000, ``offset`` 0 to 2^31 (2^63 overflowed the database).
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

from sunrelay.core.errors import ValidationFailed

MAX_DEPTH = 32


def check(value: Any, path: str = "", depth: int = 0) -> None:
    """Raises ValidationFailed naming the field that nests too deep or holds a NUL."""
    if depth > MAX_DEPTH:
        raise ValidationFailed(f"nested more than {MAX_DEPTH} levels deep", field=path or "body")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationFailed("contains a NUL character", field=path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            check(key, where, depth + 1)
            check(item, where, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check(item, f"{path}.{i}" if path else str(i), depth + 1)


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body)
        except RecursionError:
            raise ValidationFailed("the body nests too deep", field="body") from None
        check(data)
        return cast(dict[str, Any], data)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        check(parsed)
        return parsed


class Page(LimitOffsetPagination):
    """``?limit=&offset=`` with bounds, for every list of the API."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=2**31)
