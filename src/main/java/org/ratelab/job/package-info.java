/** Spark entry points and the CLI: run, plan, sql, env, report. */
package org.ratelab.job;
