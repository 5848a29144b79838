package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.junit.jupiter.api.Test;

/**
 * Which views {@code sql} registers for a statement: the relations a query names (in CTEs, subqueries,
 * lateral joins and under DESCRIBE QUERY too), and every view for metadata statements and EXPLAIN. No Spark
 * session: the names come from the parsed plan, the same one {@link ReadOnlySql} checks.
 */
class SqlViewsTest {
    static Set<String> named(String q) {
        return SqlCommand.named(ReadOnlySql.check(new SparkSqlParser(), q, Set.copyOf(SqlCommand.views())));
    }

    @Test
    void aQueryRegistersWhatItNames() {
        assertEquals(Set.of("runs"), named("SELECT count(*) FROM runs"));
        assertEquals(Set.of("runs"), named("select * from RUNS"));
        assertEquals(Set.of("curves_runs"), named("SELECT width, percentile(loss, 0.5) FROM curves_runs GROUP BY 1"));
        assertEquals(Set.of("runs", "curves", "laws"), named("WITH a AS (SELECT * FROM runs) SELECT * FROM a "
                + "WHERE run_id IN (SELECT run_id FROM curves) AND EXISTS (SELECT 1 FROM laws)"));
        assertEquals(Set.of("runs", "rates"), named("SELECT * FROM runs r, LATERAL (SELECT * FROM rates q "
                + "WHERE q.run_id = r.run_id)"));
        assertEquals(Set.of("laws"), named("DESCRIBE QUERY SELECT * FROM laws"));
        assertEquals(Set.of("summaries"), named("TABLE summaries"));
        assertEquals(Set.of(), named("VALUES (1, 'a')"));
        assertEquals(Set.of(), named("SELECT * FROM range(3)"));
    }

    @Test
    void metadataStatementsAndExplainRegisterEveryView() {
        for (String q : new String[] {"SHOW TABLES", "SHOW VIEWS", "DESCRIBE runs", "SHOW COLUMNS FROM rates",
            "DESCRIBE FUNCTION abs", "SET", "SET spark.sql.ansi.enabled=false", "EXPLAIN SELECT * FROM laws"}) {
            assertNull(named(q), q);
        }
    }
}
