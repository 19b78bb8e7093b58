"""The "H5P activity" block for lessons."""

from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


def _in_active_language(text: str, model) -> str:
    return lazy(lambda: gettext(text) % {"object": model._meta.verbose_name}, str)()


class PackageChooserBlock(SnippetChooserBlock):
    """Wagtail's snippet chooser widget words its buttons once, in the language of the first form that uses it,
    and the block keeps that widget for the life of the process: an editor working in English then read the
    Spanish "Seleccionar …". Its texts are worded again at each rendering, in the editor's language."""

    @cached_property
    def widget(self):
        widget = super().widget
        model = self.target_model
        # Wagtail's own messages (its catalogue translates them), with the model's name in the same language.
        widget.choose_one_text = _in_active_language("Choose %(object)s", model)
        widget.choose_another_text = _in_active_language("Choose another %(object)s", model)
        widget.link_to_chosen_text = _in_active_language("Edit this %(object)s", model)
        return widget


class H5PActivityBlock(blocks.StructBlock):
    package = PackageChooserBlock("h5p.H5PPackage", label=_("H5P package"))
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200,
                             help_text=_("Shown above the activity; the package's title when empty."))
    weight = blocks.IntegerBlock(label=_("Weight"), default=1, min_value=1, max_value=100,
                                 help_text=_("How much the activity counts in the lesson's H5P score."))
    required = blocks.BooleanBlock(label=_("Required for completion"), required=False, default=True,
                                   help_text=_("The lesson is completed only when this activity is completed."))

    class Meta:
        icon = "pick"
        template = "h5p/blocks/activity.html"
        label = _("H5P activity")

    def get_context(self, value, parent_context=None):
        from h5p.player import player_origin, player_token
        from h5p.selectors import attempts_for
        from quizzes.blocks import own_block_id

        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        request, page = parent_context.get("request"), parent_context.get("page")
        block_id = own_block_id(value, parent_context)
        user = getattr(request, "user", None)
        context["block_id"] = block_id
        context["player_origin"] = player_origin()
        if user is not None and user.is_authenticated and page is not None and block_id and value["package"]:
            context["player_url"] = (f"{player_origin()}/h5p/play/"
                                     f"{player_token(user_id=user.pk, lesson_id=page.pk, block_id=block_id)}/")
            enrollment = parent_context.get("enrollment")
            recording = enrollment is not None and enrollment.status in ("active", "completed")
            context["recording"] = recording
            if recording:
                # One query for all the lesson's activities, not one per activity: kept on the request.
                memo = getattr(request, "_campus_h5p_attempts", None)
                if memo is None or memo[0] != (enrollment.pk, page.pk):
                    memo = ((enrollment.pk, page.pk), attempts_for(enrollment=enrollment, lesson=page))
                    request._campus_h5p_attempts = memo
                context["attempt"] = memo[1].get(block_id)
            else:
                context["attempt"] = None
        return context
