/** Declared checks of a spec held against the tables: each yields a verdict row with its numbers. */
package org.ratelab.checks;
