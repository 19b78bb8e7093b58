"""StreamField blocks for lesson content."""

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from h5p.blocks import H5PActivityBlock
from quizzes.blocks import QuizBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "blockquote", "document-link"]


class HeadingBlock(blocks.StructBlock):
    """A section heading inside a lesson (the page title is the only h1)."""

    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"), choices=[("h2", _("Section (h2)")), ("h3", _("Subsection (h3)"))], default="h2"
    )

    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"
        label = _("Heading")


class CaptionedImageBlock(blocks.StructBlock):
    """An image with alt text (or marked decorative) and an optional caption and credit."""

    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        label = _("Image with caption")


class VideoBlock(blocks.StructBlock):
    """An embedded video (YouTube, Vimeo...) with a caption and an optional transcript for low bandwidth."""

    video = EmbedBlock(label=_("Video URL"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)
    duration_minutes = blocks.IntegerBlock(label=_("Duration (minutes)"), required=False, min_value=0)
    transcript = blocks.RichTextBlock(label=_("Transcript"), required=False, features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        label = _("Embedded video")


class DocumentBlock(blocks.StructBlock):
    """A downloadable document (guide, protocol, form)."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=200)
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"
        label = _("Document download")


class CalloutBlock(blocks.StructBlock):
    """Key points, a note or a warning set apart from the text."""

    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("key_points", _("Key points")), ("note", _("Note")), ("warning", _("Warning"))],
        default="key_points",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    body = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"
        label = _("Key points / callout")


class LessonStreamBlock(blocks.StreamBlock):
    """The content of a lesson page."""

    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    quiz = QuizBlock()
    h5p = H5PActivityBlock()


# Blocks whose output is the same for every reader of the lesson, so it may be rendered once and shared
# (courses.templatetags.lesson_tags.lesson_body). A block type not listed here is rendered for each request.
SHARED_BLOCK_TYPES = frozenset({"paragraph", "heading", "image", "video", "document", "callout"})

WORDS_PER_MINUTE = 200


def reading_minutes(stream) -> int:
    """Estimated minutes to work through a lesson: its words at 200 a minute plus the videos' durations."""
    words = 0
    video_minutes = 0
    for block in stream:
        value = block.value
        if block.block_type == "paragraph":
            words += len(strip_tags(value.source).split())
        elif block.block_type == "heading":
            words += len(value["text"].split())
        elif block.block_type == "callout":
            words += len(strip_tags(value["body"].source).split()) + len((value["title"] or "").split())
        elif block.block_type == "image":
            words += len((value["caption"] or "").split())
        elif block.block_type == "video":
            # The transcript is an alternative to watching, so only the video's duration counts.
            video_minutes += value["duration_minutes"] or 0
    return max(1, round(words / WORDS_PER_MINUTE) + video_minutes) if words or video_minutes else 0
