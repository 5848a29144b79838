package org.ratelab.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.ratelab.SparkTestSession;

/** What the packed Spark defaults give every session the CLI starts. */
class SessionsTest {
    /** The class loaders a task's thread resolves classes with, innermost first. */
    static String loaders() {
        List<String> names = new ArrayList<>();
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            names.add(l.getClass().getName());
        }
        return String.join(" > ", names);
    }

    @Test
    void tasksOfAQueryLoadClassesWithoutAskingTheDriver() {
        SparkSession spark = SparkTestSession.get();
        assertEquals("false", spark.conf().get("spark.sql.artifact.isolation.enabled"));
        // a Dataset action runs as a SQL execution, under the session's artifacts: with isolation on, its tasks'
        // loader is an ExecutorClassLoader, which fetches every class the class path lacks over RPC
        List<String> seen = spark.range(0, 4, 1, 2).map((MapFunction<Long, String>) i -> loaders(), Encoders.STRING())
                .distinct().collectAsList();
        assertFalse(seen.isEmpty());
        for (String chain : seen) {
            assertFalse(chain.contains("ExecutorClassLoader"), "a task's class loaders: " + chain);
        }
    }
}
