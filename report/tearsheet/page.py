"""The tearsheet's HTML: one self-contained file (inline CSS and SVG, no script, no link to
anything). Every number cell carries data-field="<table>.<row>.<column>" and shows the query's
value in one of three formats, so a test can read each back and compare it with SQL:
  pct    a fraction shown as a percentage with 2 decimals ("12.34 %")
  num    2 decimals with thousands separators ("12,345.67"); ratios and money
  qty    the value as PostgreSQL gave it (quantities, exact)"""
import html
from decimal import Decimal

STYLE = """
body { font-family: "DejaVu Sans", sans-serif; margin: 24px auto; max-width: 1080px; color: #222; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 15px; margin: 22px 0 6px;
border-bottom: 1px solid #ddd; padding-bottom: 3px; } .sub { color: #666; font-size: 12px; }
table { border-collapse: collapse; font-size: 12px; } td, th { padding: 3px 6px; text-align: right; } td { white-space: nowrap; } td.l { white-space: normal; } td.day { white-space: nowrap; text-align: left; }
th { background: #f2f4f7; } td.l, th.l { text-align: left; } tr:nth-child(even) td { background: #fafafa; }
.row { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
svg.chart { max-width: 100%; height: auto; } .neg { color: #b03a2e; }
"""


def esc(x):
    return html.escape(str(x))


def fmt(value, kind):
    if value is None:
        return "–"
    if kind == "pct":
        return f"{float(value) * 100:,.2f} %"
    if kind == "num":
        return f"{float(value):,.2f}"
    if kind == "qty":
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return str(value)


def cell(field, value, kind):
    neg = isinstance(value, (int, float, Decimal)) and value < 0
    cls = ' class="neg"' if neg and kind != "qty" else ""
    return f'<td data-field="{esc(field)}" data-format="{kind}"{cls}>{esc(fmt(value, kind))}</td>'


# (label, column, format) of the performance table
PERFORMANCE_ROWS = [
    ("time-weighted return", "twr", "pct"), ("annualized return", "annualized_return", "pct"),
    ("volatility (annualized)", "volatility", "pct"), ("Sharpe ratio (rf 0)", "sharpe", "num"),
    ("Sortino ratio", "sortino", "num"), ("max drawdown", "max_drawdown", "pct"),
    ("VaR 95 %, 1 day (historical)", "var_95", "pct"), ("CVaR 95 %, 1 day", "cvar_95", "pct"),
    ("beta vs benchmark", "beta", "num"), ("alpha vs benchmark (annualized)", "alpha", "pct"),
    ("tracking error", "tracking_error", "pct"),
]


def performance_table(period, inception):
    head = '<tr><th class="l">figure</th><th>period</th><th>since inception</th></tr>'
    body = []
    for label, col, kind in PERFORMANCE_ROWS:
        body.append(f'<tr><td class="l">{esc(label)}</td>{cell(f"performance.{col}.period", period[col], kind)}'
                    f'{cell(f"performance.{col}.inception", inception[col], kind)}</tr>')
    extra = [("benchmark TWR", "period", "benchmark_twr", period), ("correlation with benchmark", "period", "correlation", period),
             ("TWR year to date", "inception", "twr_ytd", inception), ("TWR last 12 months", "inception", "twr_1y", inception),
             ("XIRR (money-weighted)", "inception", "xirr", inception)]
    for label, where, col, row in extra:
        kind = "num" if col == "correlation" else "pct"
        c = cell(f"performance.{col}.{where}", row[col], kind)
        body.append(f'<tr><td class="l">{esc(label)}</td>' + (c + "<td></td>" if where == "period" else "<td></td>" + c) + "</tr>")
    return f'<table id="performance">{head}{"".join(body)}</table>'


POSITION_COLUMNS = [
    ("instrument", "instrument", None), ("name", "instrument_name", None), ("class", "asset_class", None),
    ("ccy", "currency", None), ("quantity", "quantity", "qty"), ("avg cost", "average_cost", "num"),
    ("price", "market_price", "num"), ("price day", "price_day", None), ("value (base)", "market_value_base", "num"),
    ("unrealized P/L (base)", "unrealized_pl_base", "num"), ("gain", "gain_pct", "pctpoints"),
    ("realized P/L", "realized_pl", "num"), ("income", "income", "num"), ("weight", "weight", "pct"),
]


def positions_table(rows):
    head = "".join(f'<th class="{"l" if kind is None else ""}">{esc(label)}</th>' for label, _, kind in POSITION_COLUMNS)
    body = []
    for r in rows:
        tds = []
        for _, col, kind in POSITION_COLUMNS:
            value = r[col]
            if col == "market_price" and r["price_stale"]:
                tds.append(cell(f"positions.{r['instrument']}.{col}", value, "num")[:-5] + " (stale)</td>")
            elif kind == "pctpoints":  # gain_pct is already in percent
                tds.append(cell(f"positions.{r['instrument']}.{col}", value, "num"))
            elif kind is None:
                cls = "day" if col == "price_day" else "l"
                tds.append(f'<td class="{cls}">{esc("–" if value is None else value)}</td>')
            else:
                tds.append(cell(f"positions.{r['instrument']}.{col}", value, kind))
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f'<table id="positions"><tr>{head}</tr>{"".join(body)}</table>'


PNL_ROWS = [("value at the start", "start_value"), ("deposits", "deposits"), ("withdrawals", "withdrawals"),
            ("unrealized gains", "unrealized_gains"), ("realized gains", "realized_gains"),
            ("income", "income"), ("fees", "fees"), ("currency gains", "currency_gains"),
            ("value at the end", "end_value")]


def pnl_table(row, currency):
    body = "".join(f'<tr><td class="l">{esc(label)}</td>{cell(f"pnl.{col}.period", row[col], "num")}</tr>'
                   for label, col in PNL_ROWS)
    note = "" if row["complete"] else '<p class="sub">incomplete: some amounts could not be converted</p>'
    return f'<table id="pnl"><tr><th class="l">{esc(currency)}</th><th>period</th></tr>{body}</table>{note}'


def document(p, period_label, charts, performance, positions, pnl):
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(p['name'])} – tearsheet</title>
<style>{STYLE}</style></head><body>
<h1>{esc(p['name'])}</h1>
<div class="sub">owner {esc(p['owner'])} · base currency {esc(p['base_currency'])} · benchmark {esc(p['benchmark_symbol'] or '–')}
 · period {esc(period_label)}: {p['from_day']} to {p['to_day']} · as of {p['as_of']} · figures from pg_portfolio's views</div>
<h2>Equity curve against the benchmark</h2>{charts['equity']}
<h2>Underwater (drawdown from the running peak)</h2>{charts['underwater']}
<h2>Monthly returns</h2>{charts['monthly']}
<h2>Rolling 6-month volatility and Sharpe ratio</h2>{charts['rolling']}
<h2>Allocation</h2><div class="row">{charts['allocation_asset_class']}{charts['allocation_currency']}</div>
<div class="row"><div><h2>Performance</h2>{performance}</div><div><h2>P/L breakdown</h2>{pnl}</div></div>
<h2>Positions</h2>{positions}
</body></html>
"""
