"""The course tree can only be built the right way round."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CatalogPage, CoursePage, LessonPage, ModulePage
from home.models import HomePage


class CourseTreeRulesTest(WagtailPageTestCase):
    def test_allowed_places(self):
        self.assertCanCreateAt(HomePage, CatalogPage)
        self.assertCanCreateAt(CatalogPage, CoursePage)
        self.assertCanCreateAt(CoursePage, ModulePage)
        self.assertCanCreateAt(ModulePage, LessonPage)

    def test_forbidden_places(self):
        self.assertCanNotCreateAt(Page, CatalogPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CatalogPage, ModulePage)
        self.assertCanNotCreateAt(CatalogPage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, CoursePage)
        self.assertCanNotCreateAt(ModulePage, ModulePage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, LessonPage)

    def test_children_allowed(self):
        self.assertAllowedSubpageTypes(CatalogPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
