/**
 * Spark entry points and the CLI ({@link org.ratelab.job.Main}): run, plan, sql, checks, report, reproduce, env,
 * kinds, bench and bench-latency.
 */
package org.ratelab.job;
