"""Demo H5P activities for `manage.py seed_demo`: a practice lesson in the trafficking course. Idempotent.

It always holds a yes/no question built with the project's own sample content type; when the real packages of
../shared/fixtures/h5p are present (see their README), their True/False and Multiple Choice activities are added.
"""

import io
from collections import Counter
from pathlib import Path

from django.conf import settings
from wagtail.models import Locale

from courses.demo import _child, _translation
from courses.models import LessonPage, ModulePage
from h5p.models import H5PPackage
from h5p.sample import sample_package
from h5p.services import PackageExists, package_import

FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "h5p"
MODULE_SLUG = "indicadores-control-migratorio"
REAL_PACKAGES = [  # (file, block id, title es, title en)
    ("tunapanda-h5p-test-TrueFalse.h5p", "h5p-truefalse", "Verdadero o falso (H5P)", "True or false (H5P)"),
    ("lumi-H5P.MultiChoice.h5p", "h5p-multichoice", "Opción múltiple (H5P)", "Multiple choice (H5P)"),
]


def _package(data: bytes) -> H5PPackage:
    try:
        return package_import(io.BytesIO(data))
    except PackageExists as exists:
        return exists.package


def _activity(block_id: str, package: H5PPackage, title: str, *, required: bool) -> dict:
    return {"type": "h5p", "id": block_id,
            "value": {"package": package.pk, "title": title, "weight": 1, "required": required}}


def seed_h5p(stdout) -> None:
    sample = _package(sample_package(
        title="Indicador: documentos retenidos",
        question="Una persona no tiene su pasaporte porque «lo guarda su empleador». ¿Es un indicador de posible "
                 "trata que justifica una entrevista en privado?",
        correct=True,
    ))
    real = [(block_id, _package(Path(FIXTURES, name).read_bytes()), es, en)
            for name, block_id, es, en in REAL_PACKAGES if Path(FIXTURES, name).is_file()]

    intro = {"type": "paragraph", "value": "<p>Practique con estas actividades interactivas. Su resultado se "
                                           "guarda y puede retomarlas donde las dejó.</p>"}
    intro_en = {"type": "paragraph", "value": "<p>Practise with these interactive activities. Your result is "
                                              "saved and you can pick them up where you left off.</p>"}
    body_es = [intro, _activity("h5p-yes-no", sample, "Reconocer un indicador", required=True),
               *(_activity(block_id, package, es, required=False) for block_id, package, es, _en in real)]
    body_en = [intro_en, _activity("h5p-yes-no", sample, "Recognising an indicator", required=True),
               *(_activity(block_id, package, en, required=False) for block_id, package, _es, en in real)]

    tally = Counter()
    module = ModulePage.objects.get(slug=MODULE_SLUG, locale__language_code="es")
    lesson = _child(module, LessonPage, {"slug": "practica-interactiva-indicadores",
                                         "title": "Práctica interactiva: indicadores", "body": body_es}, tally)
    english = Locale.objects.filter(language_code="en").first()
    if english and module.get_translation_or_none(english):
        _translation(lesson, english, {"slug": "interactive-practice-indicators",
                                       "title": "Interactive practice: indicators", "body": body_en}, tally)
    stdout.write(f"H5P: {1 + len(real)} activities in the practice lesson"
                 f"{'' if real else ' (real packages not found in ' + str(FIXTURES) + ')'}; "
                 f"{tally['created']} pages created, {tally['updated']} updated.")
