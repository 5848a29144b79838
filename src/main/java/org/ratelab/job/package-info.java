/** Spark entry points and the CLI: run, plan, sql, env. */
package org.ratelab.job;
