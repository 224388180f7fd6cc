"""The tearsheet's charts, drawn by matplotlib (Debian's python3-matplotlib) as SVG text to inline
in the page. Each function takes the rows of one query (tearsheet/queries.py) and returns an
<svg> element; nothing here computes a figure, it only places the query's values."""
import io
import re

import matplotlib

matplotlib.use("svg")  # no display, no GUI toolkit
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

matplotlib.rcParams.update({
    "svg.fonttype": "none",        # text stays <text>: small, selectable, readable by the tests
    "svg.hashsalt": "pg_portfolio",  # stable element ids: the same data gives the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
})
PORTFOLIO, BENCHMARK, LOSS = "#1f5fa8", "#9a9a9a", "#c0392b"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _svg(fig, chart_id):
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    svg = text[text.index("<svg"):]  # drop the XML declaration and DOCTYPE: inline in HTML
    return re.sub(r"^<svg ", f'<svg class="chart" id="{chart_id}" role="img" ', svg, count=1)


def _time_axis(ax):
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))


def equity_curve(rows, benchmark):
    days = [r["day"] for r in rows]
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.plot(days, [r["growth"] for r in rows], color=PORTFOLIO, lw=1.4, label="portfolio (TWR)")
    if benchmark and any(r["benchmark_growth"] is not None for r in rows):
        ax.plot(days, [r["benchmark_growth"] for r in rows], color=BENCHMARK, lw=1.1,
                label=f"benchmark {benchmark}")
    ax.axhline(1, color="black", lw=0.6)
    ax.set_ylabel("growth of 1")
    ax.legend(loc="upper left", frameon=False)
    _time_axis(ax)
    return _svg(fig, "chart-equity")


def underwater(rows):
    days = [r["day"] for r in rows]
    dd = [r["drawdown"] for r in rows]
    fig, ax = plt.subplots(figsize=(9, 2.2))
    ax.fill_between(days, dd, 0, color=LOSS, alpha=0.35, lw=0)
    ax.plot(days, dd, color=LOSS, lw=0.8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("drawdown")
    _time_axis(ax)
    return _svg(fig, "chart-underwater")


def monthly_heatmap(rows):
    years = sorted({r["year"] for r in rows})
    grid = [[None] * 12 for _ in years]
    for r in rows:
        grid[years.index(r["year"])][r["month"] - 1] = r["twr"]
    values = [v for row in grid for v in row if v is not None]
    limit = max([abs(v) for v in values] + [1e-9])
    masked = [[float("nan") if v is None else v for v in row] for row in grid]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(years) + 0.8))
    ax.imshow(masked, cmap="RdYlGn", norm=TwoSlopeNorm(0, -limit, limit), aspect="auto")
    for y, row in enumerate(grid):
        for m, v in enumerate(row):
            if v is not None:
                ax.text(m, y, f"{v * 100:.1f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(12), MONTHS)
    ax.set_yticks(range(len(years)), [str(y) for y in years])
    ax.grid(False)
    ax.set_title("monthly time-weighted return, %", loc="left", fontsize=9)
    return _svg(fig, "chart-monthly")


def rolling(rows, days):
    x = [r["day"] for r in rows]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 3.6), sharex=True)
    top.plot(x, [r["volatility"] for r in rows], color=PORTFOLIO, lw=1.1)
    top.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    top.set_ylabel(f"volatility\n({days} trading days)")
    bottom.plot(x, [r["sharpe"] for r in rows], color="#2e8b57", lw=1.1)
    bottom.axhline(0, color="black", lw=0.6)
    bottom.set_ylabel(f"Sharpe\n({days} trading days)")
    _time_axis(bottom)
    return _svg(fig, "chart-rolling")


def allocation(rows, dimension, currency):
    rows = [r for r in rows if r["dimension"] == dimension and r["weight"] is not None]
    fig, ax = plt.subplots(figsize=(4.3, 0.35 * len(rows) + 0.9))
    labels = [r["bucket"] for r in rows][::-1]
    weights = [float(r["weight"]) for r in rows][::-1]
    bars = ax.barh(labels, weights, color=PORTFOLIO)
    ax.bar_label(bars, labels=[f"{w * 100:.1f} %" for w in weights], padding=3, fontsize=8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(min(0, min(weights, default=0)), max(weights, default=0) * 1.25 or 1)
    ax.set_title(f"by {dimension.replace('_', ' ')} (value in {currency})", loc="left", fontsize=9)
    return _svg(fig, f"chart-allocation-{dimension.replace('_', '-')}")
