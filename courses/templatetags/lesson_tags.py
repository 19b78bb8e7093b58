"""Rendering a lesson's content."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from courses.blocks import SHARED_BLOCK_TYPES

register = template.Library()

BODY_TIMEOUT = 600


@register.simple_tag(takes_context=True)
def lesson_body(context, page):
    """The lesson's blocks, in order.

    Blocks that show the same to every reader (SHARED_BLOCK_TYPES: text, headings, images, videos, documents,
    callouts) are rendered once per publish and language and kept in the shared cache (courses.cache); the others
    (a quiz with the reader's answers, an H5P activity with the reader's player address) are rendered for this
    request. Previews and drafts are always rendered fresh and never stored.
    """
    from courses.cache import generation_cached

    request = context.get("request")
    flat = context.flatten()  # what {% include_block %} hands a block

    def segments() -> list:
        """Rendered HTML for runs of shared blocks; the position in the stream for each block rendered per reader."""
        parts: list = []
        for index, block in enumerate(page.body):
            if block.block_type in SHARED_BLOCK_TYPES:
                html = block.render_as_block(flat)
                if parts and isinstance(parts[-1], str):
                    parts[-1] += html
                else:
                    parts.append(str(html))
            else:
                parts.append(index)
        return parts

    if getattr(request, "is_preview", False) or not page.live or page.pk is None:
        parts = segments()
    else:
        host = request.get_host() if request is not None else ""
        parts = generation_cached(f"campus:lesson-body:{page.pk}:{get_language()}:{host}", segments, BODY_TIMEOUT)
    body = page.body
    return mark_safe("".join(  # noqa: S308 - block templates escape their values; stored output is theirs
        part if isinstance(part, str) else str(body[part].render_as_block(flat)) for part in parts))
