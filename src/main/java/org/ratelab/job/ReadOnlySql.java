package org.ratelab.job;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Option;
import scala.Tuple2;

/**
 * What {@code ratelab sql} may run: a read of the output directory's tables and nothing else. The query is
 * parsed with Spark's own parser and its unresolved plan walked, subqueries, CTE bodies and lateral
 * subqueries included, so that comments, casing and nesting change nothing:
 *
 * <ul>
 *   <li>every operator must be one of {@link #QUERY_NODES}: commands (INSERT, CREATE, DROP, ALTER, CACHE,
 *       REFRESH, ADD JAR, RESET, USE, MSCK, LOAD, TRUNCATE, EXECUTE IMMEDIATE, SELECT TRANSFORM, ...) are not;</li>
 *   <li>a table is named by one part, a view the command registered or a CTE of the query: a two-part name
 *       such as {@code parquet.`/path`} (Spark's SQL on files) or {@code spark_catalog.db.t} is refused;</li>
 *   <li>table functions are limited to {@link #TABLE_FUNCTIONS}, which generate rows and read nothing
 *       ({@code read_files} and any other are refused);</li>
 *   <li>functions that call Java methods by name ({@code reflect}, {@code java_method}) are refused;</li>
 *   <li>at the root, EXPLAIN and DESCRIBE QUERY of such a query, DESCRIBE and SHOW COLUMNS of a view,
 *       DESCRIBE FUNCTION, SHOW TABLES/VIEWS/FUNCTIONS/DATABASES, and SET that reads a setting or sets a
 *       {@code spark.sql.*} one.</li>
 * </ul>
 * Each refusal is a {@link UsageException}: one line, exit 2.
 */
final class ReadOnlySql {
    private ReadOnlySql() {}

    private static final String L = "org.apache.spark.sql.catalyst.plans.logical.";
    private static final String A = "org.apache.spark.sql.catalyst.analysis.";

    /** Operators of a query as the parser leaves them (unresolved), by class name. */
    static final Set<String> QUERY_NODES = Set.of(
            L + "Project", L + "Filter", L + "Aggregate", L + "Sort", L + "GlobalLimit", L + "LocalLimit",
            L + "Offset", L + "Distinct", L + "Union", L + "Intersect", L + "Except", L + "Join",
            L + "LateralJoin", L + "SubqueryAlias", L + "OneRowRelation", L + "LocalRelation", L + "Generate",
            L + "WithWindowDefinition", L + "Pivot", L + "Unpivot", L + "Sample", L + "RepartitionByExpression",
            L + "Repartition", L + "UnresolvedHint", L + "UnresolvedWith",
            A + "UnresolvedRelation", A + "UnresolvedSubqueryColumnAliases", A + "UnresolvedInlineTable",
            A + "UnresolvedTableValuedFunction", A + "UnresolvedTVFAliases", A + "UnresolvedHaving",
            "org.apache.spark.sql.catalyst.expressions.PipeOperator");

    /** Statements allowed at the root that show metadata (their children are checked separately). */
    static final Set<String> METADATA_ROOTS = Set.of(
            L + "DescribeRelation", L + "DescribeColumn", L + "ShowColumns", L + "DescribeFunction",
            L + "ShowTables", L + "ShowViews", L + "ShowFunctions",
            "org.apache.spark.sql.execution.command.ShowNamespacesCommand");

    /** Leaves those statements may hold: a view, a function name, the current or a named namespace. */
    static final Set<String> METADATA_LEAVES = Set.of(
            A + "UnresolvedTableOrView", A + "UnresolvedFunctionName", A + "CurrentNamespace$",
            A + "UnresolvedNamespace");

    /** Table-valued functions that only generate rows from their arguments. */
    static final Set<String> TABLE_FUNCTIONS = Set.of("range", "explode", "explode_outer", "inline",
            "inline_outer", "posexplode", "posexplode_outer", "stack", "json_tuple");

    /** Functions that call arbitrary Java methods by name. */
    static final Set<String> REFUSED_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

    static final String ALLOWED = "sql is read-only (SELECT, WITH, VALUES, TABLE, EXPLAIN, DESCRIBE, SHOW over the "
            + "output's tables)";

    /**
     * Parses {@code query} with {@code parser} and returns its plan, or refuses it. {@code tables}: the view
     * names a query may read (compared case-insensitively).
     */
    static LogicalPlan check(ParserInterface parser, String query, Set<String> tables) {
        LogicalPlan plan;
        try {
            plan = parser.parsePlan(query);
        } catch (Exception e) {  // Scala throws the checked ParseException undeclared
            throw new UsageException("query: " + firstLine(e));
        }
        Set<String> names = new TreeSet<>();
        for (String t : tables) names.add(t.toLowerCase(Locale.ROOT));
        new ReadOnlySql.Walk(names, ctes(plan)).root(plan);
        return plan;
    }

    /** The names the query's WITH clauses define, anywhere in it. */
    static Set<String> ctes(LogicalPlan plan) {
        Set<String> out = new HashSet<>();
        for (LogicalPlan p : everything(plan)) {
            if (p instanceof UnresolvedWith w) {
                // (name, body, ...) tuples; their arity has grown across Spark versions
                scala.collection.Iterator<scala.Product> it = cast(w.cteRelations().iterator());
                while (it.hasNext()) out.add(String.valueOf(it.next().productElement(0)).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> scala.collection.Iterator<T> cast(scala.collection.Iterator<?> it) {
        return (scala.collection.Iterator<T>) it;
    }

    /** Every plan node: children, inner children (CTE bodies, lateral subqueries) and expression subqueries. */
    static List<LogicalPlan> everything(LogicalPlan root) {
        List<LogicalPlan> out = new ArrayList<>();
        List<LogicalPlan> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            LogicalPlan p = todo.remove(todo.size() - 1);
            out.add(p);
            todo.addAll(linked(p));
        }
        return out;
    }

    private static List<LogicalPlan> linked(LogicalPlan p) {
        List<LogicalPlan> out = new ArrayList<>();
        for (scala.collection.Iterator<?> it : List.of(p.children().iterator(), p.innerChildren().iterator(),
                p.subqueries().iterator())) {
            while (it.hasNext()) {
                Object o = it.next();
                if (o instanceof LogicalPlan lp) out.add(lp);
            }
        }
        return out;
    }

    private record Walk(Set<String> tables, Set<String> ctes) {
        void root(LogicalPlan p) {
            if (p instanceof ExplainCommand e) {
                query(e.logicalPlan());
            } else if (p instanceof DescribeQueryCommand d) {
                query(d.plan());
            } else if (p instanceof SetCommand s) {
                set(s);
            } else if (METADATA_ROOTS.contains(p.getClass().getName())) {
                for (LogicalPlan c : linked(p)) {
                    if (!METADATA_LEAVES.contains(c.getClass().getName())) refuse(c);
                    if (c instanceof UnresolvedTableOrView v) relation(v.multipartIdentifier());
                }
            } else {
                query(p);
            }
        }

        void query(LogicalPlan root) {
            for (LogicalPlan p : everything(root)) {
                if (!QUERY_NODES.contains(p.getClass().getName())) refuse(p);
                if (p instanceof UnresolvedRelation r) {
                    relation(r.multipartIdentifier());
                    if (r.isStreaming()) throw refusal("STREAM " + name(r.multipartIdentifier()) + " is a streaming read");
                    if (!r.options().isEmpty()) {
                        throw refusal(name(r.multipartIdentifier()) + " WITH (options): reading options are not "
                                + "accepted");
                    }
                }
                if (p instanceof UnresolvedTableValuedFunction f) {
                    List<String> n = parts(f.name());
                    if (n.size() != 1 || !TABLE_FUNCTIONS.contains(n.get(0).toLowerCase(Locale.ROOT))) {
                        throw refusal("table function " + String.join(".", n) + " is not allowed (allowed: "
                                + String.join(", ", new TreeSet<>(TABLE_FUNCTIONS)) + ")");
                    }
                }
                scala.collection.Iterator<Expression> es = p.expressions().iterator();
                while (es.hasNext()) expression(es.next());
            }
        }

        void expression(Expression e) {
            if (e instanceof UnresolvedFunction f) {
                List<String> n = parts(f.nameParts());
                String last = n.get(n.size() - 1).toLowerCase(Locale.ROOT);
                if (REFUSED_FUNCTIONS.contains(last)) {
                    throw refusal("function " + String.join(".", n) + " calls Java methods by name");
                }
            }
            scala.collection.Iterator<Expression> it = e.children().iterator();
            while (it.hasNext()) expression(it.next());
        }

        void relation(scala.collection.Seq<String> identifier) {
            List<String> n = parts(identifier);
            String low = n.size() == 1 ? n.get(0).toLowerCase(Locale.ROOT) : null;
            if (low == null || !(tables.contains(low) || ctes.contains(low))) {
                throw refusal(name(identifier) + " is not a table of the output directory (tables: "
                        + String.join(", ", tables) + "); sql reads no files and no other catalog");
            }
        }

        void set(SetCommand s) {
            Option<Tuple2<String, Option<String>>> kv = s.kv();
            if (kv.isEmpty() || kv.get()._2().isEmpty()) return;  // SET, SET -v, SET key: read settings
            String key = kv.get()._1().trim();
            if (!key.startsWith("spark.sql.")) {
                throw refusal("SET " + key + ": only spark.sql.* settings can be set");
            }
        }
    }

    private static List<String> parts(scala.collection.Seq<String> s) {
        List<String> out = new ArrayList<>();
        scala.collection.Iterator<String> it = s.iterator();
        while (it.hasNext()) out.add(it.next());
        return out;
    }

    private static String name(scala.collection.Seq<String> s) {
        List<String> quoted = new ArrayList<>();
        for (String p : parts(s)) quoted.add("`" + p.replace("`", "``") + "`");
        return String.join(".", quoted);
    }

    private static void refuse(LogicalPlan p) {
        String n = p.getClass().getSimpleName().replace("$", "");
        throw refusal(n + " is not a read of the output's tables");
    }

    private static UsageException refusal(String why) {
        return new UsageException("query refused, " + ALLOWED + ": " + why);
    }

    /** The first non-blank line of an exception's message (Spark's parse errors start with a newline). */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (String line : m.split("\n")) if (!line.isBlank()) return line.trim();
        return e.getClass().getSimpleName();
    }
}
