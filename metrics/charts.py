"""Charts as SVG, drawn with matplotlib: the same vector file shows in the dashboard and in the PDF report.

Text stays text in the SVG (selectable, read by screen readers inside <figure>, sharp in print). Every chart is
shown next to a table of the same numbers, which is its text alternative. Colours come from a palette that keeps
at least 4.5:1 contrast against white for labels and is told apart without colour by line style and markers.
"""

import io

from django.utils.translation import gettext as _

# One matplotlib setting per process; Figure objects (not pyplot) keep this usable from threads and workers.
_RC = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 10, "axes.spines.top": False,
       "axes.spines.right": False, "svg.hashsalt": "campus-crm"}
BLUE, ORANGE, GREEN = "#0b3c68", "#a34700", "#1b6e3a"  # ≥ 4.5:1 on white


def _svg(figure, title: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "campus-crm"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Title": title, "Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG is inlined in HTML


def _figure(width: float, height: float):
    import matplotlib

    with matplotlib.rc_context(_RC):
        from matplotlib.figure import Figure

        figure = Figure(figsize=(width, height), dpi=96, layout="constrained")
        return figure, figure.add_subplot()


def bar_chart(labels: list[str], values: list[float], *, title: str, value_label: str) -> str:
    """Horizontal bars, one per label, each with its value written at its end."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(_RC):
        figure, axes = _figure(7, max(1.6, 0.38 * len(labels) + 0.9))
        positions = list(range(len(labels)))
        bars = axes.barh(positions, values, color=BLUE)
        axes.set_yticks(positions, labels=labels)
        axes.invert_yaxis()
        axes.set_xlabel(value_label)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(title, loc="left", fontsize=11)
        axes.bar_label(bars, labels=[_number(v) for v in values], padding=3, fontsize=9)
        axes.margins(x=0.12)
        return _svg(figure, title)


def trend_chart(months: list[str], series: list[tuple[str, list[float]]], *, title: str) -> str:
    """Lines per month; each series has its own colour, line style and marker, and a legend."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    styles = [(BLUE, "-", "o"), (ORANGE, "--", "s"), (GREEN, ":", "^")]
    with matplotlib.rc_context(_RC):
        figure, axes = _figure(7, 3.2)
        positions = list(range(len(months)))
        for (name, values), (colour, line, marker) in zip(series, styles, strict=False):
            axes.plot(positions, values, color=colour, linestyle=line, marker=marker, markersize=4, label=name)
        step = max(1, len(months) // 12)
        axes.set_xticks(positions[::step], labels=months[::step], rotation=45, ha="right")
        axes.set_ylabel(_("Number"))
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(title, loc="left", fontsize=11)
        figure.legend(loc="outside lower center", ncols=len(series), frameon=False)  # below: never over a line
        return _svg(figure, title)


def _number(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1, use_l10n=True,
                         force_grouping=True)

