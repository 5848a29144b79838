/**
 * Declared checks of a spec held against the tables: each yields a verdict row with its numbers. Check kinds
 * are a registry ({@link org.ratelab.checks.CheckKind}), one file each; metric names are typed
 * ({@link org.ratelab.checks.MetricRef}).
 */
package org.ratelab.checks;
