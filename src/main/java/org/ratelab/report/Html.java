package org.ratelab.report;

import java.util.List;

/** The page's small HTML helpers: escaping, tables and the inline style sheet (no external resource). */
final class Html {
    private Html() {}

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A safe id fragment: letters, digits, '-' and '_' kept, anything else as '_'. */
    static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /**
     * A table with a header row. A column named {@code passed} is shown as PASS / FAIL with a class per
     * verdict; numeric-looking cells are right-aligned.
     */
    static String table(String id, String cssClass, ReportData.Table t) {
        StringBuilder b = new StringBuilder();
        b.append("<table id=\"").append(esc(id)).append("\" class=\"").append(cssClass).append("\">\n<thead><tr>");
        for (String c : t.columns()) b.append("<th>").append(esc(c)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        int passed = t.columns().indexOf("passed");
        for (List<String> row : t.rows()) {
            b.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                String v = row.get(i);
                if (i == passed) {
                    boolean ok = "true".equalsIgnoreCase(v);
                    boolean fail = "false".equalsIgnoreCase(v);
                    b.append("<td class=\"").append(ok ? "pass" : fail ? "fail" : "na").append("\">")
                            .append(ok ? "PASS" : fail ? "FAIL" : esc(v.isEmpty() ? "n/a" : v)).append("</td>");
                } else {
                    b.append(v.matches("[-+]?[0-9][0-9.eE+\\-]*( / [0-9]+)?") ? "<td class=\"num\">" : "<td>")
                            .append(esc(v)).append("</td>");
                }
            }
            b.append("</tr>\n");
        }
        return b.append("</tbody></table>\n").toString();
    }

    static final String STYLE = """
            body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:24px auto;max-width:1340px;
              color:#222;padding:0 16px;line-height:1.4}
            h1{font-size:1.6em;margin-bottom:4px} h2{border-bottom:2px solid #0072B2;padding-bottom:4px;margin-top:36px}
            h3{margin-top:28px} .meta{color:#555} .verdict{font-weight:600} .note{color:#555;font-size:.92em;max-width:1000px}
            .absent{color:#777;font-style:italic}
            .charts{display:flex;flex-wrap:wrap;gap:16px}
            figure.chart{margin:0;border:1px solid #ddd;background:#fff;padding:4px;width:640px}
            figure.chart svg{display:block;width:640px;height:400px}
            figcaption{font-size:.85em;color:#555;padding:2px 6px}
            table{border-collapse:collapse;margin:8px 0;font-size:.9em}
            th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f0f4f8} td.num{text-align:right;font-variant-numeric:tabular-nums}
            td.pass{background:#d9f2e3;color:#0a5c2b;font-weight:bold} td.fail{background:#f9dcdc;color:#8a1010;font-weight:bold}
            td.na{color:#777} table.status td{text-align:right} nav a{margin-right:12px}
            """;
}
