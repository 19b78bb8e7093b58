"""Screenshots of key screens for reviewers, in test-artifacts/screens/ (README, "Tests"). Failing steps are
screenshotted by pytest-playwright into test-artifacts/playwright/ (pyproject.toml's addopts)."""

from pathlib import Path

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def artifact(name: str) -> str:
    """The path for a screenshot called `name` (e.g. "seminar-roster.png"), its folder created."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    return str(SCREENS / name)


def screen(page, name: str, *, full_page: bool = True) -> None:
    """Keep what `page` shows now as test-artifacts/screens/<name>.png."""
    page.screenshot(path=artifact(f"{name}.png"), full_page=full_page)
