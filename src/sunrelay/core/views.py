"""Pages every domain shares: the Markdown preview behind each editor."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

MAX_SECTIONS = 10


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """Markdown as the page will show it (htmx, as the author types). ``body``, or the fields
    named in ``sections`` (``done,next,risks,asks``), each under its own heading. Writes
    nothing; raw HTML is not rendered (core.templatetags.markdown)."""
    names = [n for n in request.POST.get("sections", "").split(",") if n][:MAX_SECTIONS]
    if names:
        parts = [
            f"### {name.capitalize()}\n\n{request.POST.get(name, '').strip()}"
            for name in names
            if request.POST.get(name, "").strip()
        ]
        text = "\n\n".join(parts)
    else:
        text = request.POST.get("body", "")
    return render(request, "core/_preview.html", {"body": text})
