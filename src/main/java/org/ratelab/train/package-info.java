/** The training loop: one run, single-threaded; stopping rules, recording schedule, oracle accounting. */
package org.ratelab.train;
