// pg_portfolio from Java (PostgreSQL JDBC, Debian's libpostgresql-jdbc-java) as the read-only role.
//
// Connects to jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE as grafana/grafana, reads every public
// view, calls the main functions and aggregates through PreparedStatements, checks the custom types'
// text forms, NULL results (wasNull) and that the role cannot write. Prints TAP-like lines, then one
// "value NAME KIND TEXT" line per query of client_queries.txt (compared with psycopg2 and psql by
// test/suites/clients.sh), then "N passed, N failed"; exits 1 on a failure.
//
// Build: javac -d build/java -cp /usr/share/java/postgresql.jar test/clients/JdbcClient.java
// Run:   java -cp build/java:/usr/share/java/postgresql.jar JdbcClient test/clients/client_queries.txt

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public final class JdbcClient {
    private int passed = 0;
    private int failed = 0;

    private void check(boolean ok, String label) {
        if (ok) passed++; else failed++;
        System.out.println((ok ? "ok - " : "not ok - ") + label);
    }

    private static final Map<String, List<String>> VIEWS = new LinkedHashMap<>();
    static {
        VIEWS.put("positions", List.of("portfolio_id", "instrument", "quantity", "market_value_base", "weight", "position"));
        VIEWS.put("cash", List.of("portfolio_id", "currency", "balance", "balance_base"));
        VIEWS.put("allocation", List.of("portfolio_id", "dimension", "bucket", "market_value_base", "weight"));
        VIEWS.put("portfolio_daily", List.of("portfolio_id", "day", "market_value", "net_flow", "daily_return"));
        VIEWS.put("performance", List.of("portfolio_id", "twr_since_inception", "sharpe", "max_drawdown", "var_95", "xirr"));
        VIEWS.put("pnl_monthly", List.of("portfolio_id", "month", "start_value", "end_value", "currency_gains"));
    }

    /** The value as the other clients print it: doubles exactly (Double.toString round-trips), numerics in full. */
    private static String render(ResultSet rs, String kind) throws SQLException {
        Object v = rs.getObject(1);
        if (rs.wasNull() || v == null) return "NULL";
        if (v instanceof BigDecimal) return ((BigDecimal) v).toPlainString();
        if (kind.equals("t")) return rs.getString(1);
        return v.toString();
    }

    private static boolean kindMatches(Object v, String kind) {
        switch (kind) {
            case "f": return v instanceof Double;
            case "n": return v instanceof BigDecimal || v instanceof Long || v instanceof Integer;
            case "t": return v != null;   // custom types arrive as PGobject, text as String
            default: return v == null;
        }
    }

    private static String sqlState(Connection c, String sql, Object... args) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.execute();
            return "none";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private int run(String queryFile) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + System.getenv("PGPORT") + "/"
                + System.getenv().getOrDefault("PGDATABASE", "portfolio");
        try (Connection c = DriverManager.getConnection(url, "grafana", "grafana");
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT current_user, pg_has_role('portfolio_reader', 'MEMBER'), inet_server_addr() IS NOT NULL")) {
                rs.next();
                check(rs.getString(1).equals("grafana") && rs.getBoolean(2) && rs.getBoolean(3),
                      "connected over TCP as " + rs.getString(1) + ", a member of portfolio_reader");
            }
            Map<String, Long> ids = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT id, name FROM portfolio.portfolios ORDER BY id")) {
                while (rs.next()) ids.put(rs.getString(2), rs.getLong(1));
            }
            check(ids.keySet().equals(Set.of("Global growth", "Euro core")), "the reader sees both owners' portfolios: " + ids.keySet());
            long g = ids.getOrDefault("Global growth", -1L), e = ids.getOrDefault("Euro core", -1L);

            // every public view, with its columns
            for (Map.Entry<String, List<String>> view : VIEWS.entrySet()) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM portfolio." + view.getKey())) {
                    ResultSetMetaData md = rs.getMetaData();
                    Set<String> cols = new HashSet<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) cols.add(md.getColumnName(i));
                    Set<Long> pids = new HashSet<>();
                    int rows = 0;
                    while (rs.next()) { rows++; pids.add(rs.getLong("portfolio_id")); }
                    check(rows > 0 && cols.containsAll(view.getValue()) && pids.equals(Set.of(g, e)),
                          "view " + view.getKey() + ": " + rows + " rows for both portfolios, columns present");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT day, market_value, daily_return FROM portfolio.portfolio_daily WHERE portfolio_id = ? ORDER BY day LIMIT 1")) {
                ps.setLong(1, g);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    LocalDate day = rs.getObject(1, LocalDate.class);
                    check(day != null && rs.getObject(2) instanceof BigDecimal && rs.getObject(3) instanceof Double,
                          "types: date -> LocalDate, numeric -> BigDecimal, float8 -> Double (" + day + ")");
                }
            }

            // functions and aggregates with bound parameters
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM portfolio.pnl_breakdown(?, ?, ?)")) {
                ps.setLong(1, e);
                ps.setObject(2, LocalDate.of(2023, 1, 1));
                ps.setObject(3, LocalDate.of(2023, 12, 31));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    BigDecimal parts = rs.getBigDecimal("start_value").add(rs.getBigDecimal("deposits"))
                            .subtract(rs.getBigDecimal("withdrawals")).add(rs.getBigDecimal("unrealized_gains"))
                            .add(rs.getBigDecimal("realized_gains")).add(rs.getBigDecimal("income"))
                            .subtract(rs.getBigDecimal("fees")).add(rs.getBigDecimal("currency_gains"));
                    check(parts.compareTo(rs.getBigDecimal("end_value")) == 0,
                          "pnl_breakdown(Euro core, 2023): the parts add up to end_value exactly (" + rs.getBigDecimal("end_value").toPlainString() + ")");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT portfolio.var_historical(daily_return, ?), portfolio.var_historical_approx(daily_return, ?) "
                    + "FROM portfolio.portfolio_daily WHERE portfolio_id = ?")) {
                ps.setDouble(1, 0.99); ps.setDouble(2, 0.99); ps.setLong(3, g);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    double exact = rs.getDouble(1), approx = rs.getDouble(2);
                    check(Math.abs(approx - exact) <= 0.01 * Math.abs(exact) + 1e-9,
                          String.format("var_historical 99 %% %.6f, sketch within 1 %%: %.6f", exact, approx));
                }
            }

            // custom types: text output, sent back as a parameter, accessors
            String summary;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT portfolio.return_stats(daily_return) FROM portfolio.portfolio_daily WHERE portfolio_id = ?")) {
                ps.setLong(1, g);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Object o = rs.getObject(1);
                    summary = rs.getString(1);
                    check(o instanceof org.postgresql.util.PGobject
                          && ((org.postgresql.util.PGobject) o).getType().replace("\"", "").equals("portfolio.return_summary")
                          && summary.matches("\\(version:1,n:\\d+,mean:[^,]+,m2:[^,]+,m3:[^,]+,m4:[^,]+,log_growth:[^,]+,log_growth_error:[^,]+,total_losses:\\d+\\)"),
                          "return_summary arrives as PGobject of type " + ((org.postgresql.util.PGobject) o).getType() + " with its text form");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT portfolio.n(?::portfolio.return_summary), portfolio.sharpe(?::portfolio.return_summary, 0, 365), "
                    + "(SELECT portfolio.sharpe(daily_return, 0, 365) FROM portfolio.portfolio_daily WHERE portfolio_id = ?), "
                    + "(SELECT count(daily_return) FROM portfolio.portfolio_daily WHERE portfolio_id = ?)")) {
                ps.setString(1, summary); ps.setString(2, summary); ps.setLong(3, g); ps.setLong(4, g);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    check(rs.getLong(1) == rs.getLong(4), "n(summary) = rows aggregated = " + rs.getLong(4));
                    double a = rs.getDouble(2), b = rs.getDouble(3);
                    check(Math.abs(a - b) <= 1e-12 * Math.abs(b),
                          String.format("sharpe(summary sent back as text) = sharpe aggregate (%.6f)", a));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT position, quantity, portfolio.quantity(position), portfolio.cost_basis(position) "
                    + "FROM portfolio.positions WHERE portfolio_id = ? AND instrument = 'AAPL'")) {
                ps.setLong(1, g);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String text = rs.getString(1);
                    BigDecimal q = rs.getBigDecimal(2);
                    check(text.startsWith("method=fifo quantity=" + q.toPlainString() + " cost_basis="
                                          + rs.getBigDecimal(4).toPlainString() + " ")
                          && q.compareTo(rs.getBigDecimal(3)) == 0 && q.compareTo(BigDecimal.valueOf(120)) == 0,
                          "position text form and accessors: " + text.substring(0, 50) + "...");
                }
            }

            // NULL results
            try (ResultSet rs = st.executeQuery(
                    "SELECT portfolio.twr(r), portfolio.var_historical(r), portfolio.sharpe(r) FROM (SELECT 0.01::float8 AS r WHERE false) AS none")) {
                rs.next();
                boolean allNull = true;
                for (int i = 1; i <= 3; i++) { rs.getDouble(i); allNull &= rs.wasNull(); allNull &= rs.getObject(i) == null; }
                check(allNull, "aggregates over an empty set return SQL NULL (wasNull, getObject null)");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT portfolio.fx_rate(?, ?, ?), portfolio.fx_rate(?, ?, ?)")) {
                ps.setString(1, "EUR"); ps.setString(2, "JPY"); ps.setObject(3, LocalDate.of(2024, 1, 2));
                ps.setString(4, "EUR"); ps.setString(5, "USD"); ps.setObject(6, LocalDate.of(2024, 1, 2));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    check(rs.getBigDecimal(1) == null && rs.getBigDecimal(2) != null,
                          "fx_rate without a rate is null (never 1); EUR/USD " + rs.getBigDecimal(2));
                }
            }

            // read-only
            check(sqlState(c, "INSERT INTO portfolio.portfolios (name, owner) VALUES ('x', 'grafana')").equals("42501"),
                  "INSERT into portfolios refused with SQLSTATE 42501");
            check(sqlState(c, "INSERT INTO portfolio.transactions (portfolio_id, executed_at, kind, amount) VALUES (?, now(), 'deposit', 1)", g).equals("42501"),
                  "INSERT into transactions refused with SQLSTATE 42501");
            check(sqlState(c, "UPDATE portfolio.quotes SET close = close WHERE symbol = 'SPY'").equals("42501"),
                  "UPDATE quotes refused with SQLSTATE 42501");
            check(sqlState(c, "CALL portfolio.refresh()").equals("42501"), "CALL refresh() refused with SQLSTATE 42501");

            // the shared queries
            for (String line : Files.readAllLines(Path.of(queryFile))) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\\|", 3);
                try (ResultSet rs = st.executeQuery(f[2])) {
                    rs.next();
                    Object v = rs.getObject(1);
                    check(kindMatches(v, f[1]), f[0] + ": Java type " + (v == null ? "null" : v.getClass().getSimpleName()) + " for kind " + f[1]);
                    System.out.println("value " + f[0] + " " + f[1] + " " + render(rs, f[1]));
                }
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new JdbcClient().run(args.length > 0 ? args[0] : "test/clients/client_queries.txt"));
    }
}
