"""`check --deploy` warns when WeasyPrint would subset fonts with fontTools instead of HarfBuzz."""

from weasyprint.text import ffi

from certificates import pdf


def test_the_machine_has_harfbuzz_subset_so_the_deploy_check_is_quiet():
    # `make install`/`make install-dev` install libharfbuzz-subset0 when it is missing (pdf-libs target).
    assert pdf.harfbuzz_subset_available()
    assert pdf.check_pdf_libraries() == []


def test_without_harfbuzz_subset_the_deploy_check_warns(monkeypatch):
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    (warning,) = pdf.check_pdf_libraries()
    assert warning.id == "certificates.W010"
    assert "libharfbuzz-subset0" in warning.hint


def test_a_prefork_worker_loads_weasyprint_before_forking_without_touching_the_database():
    """The worker's main process runs this before each fork: the children then share fonts, stylesheet and
    WeasyPrint's first layout (see bench/README.md). No `db` fixture here: pytest-django makes any query fail,
    and the main process must not open a connection its children would inherit."""
    import gc

    from certificates.tasks import _share_with_children

    try:
        _share_with_children()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
