/**
 * The training loop: one resolved run ({@link org.ratelab.train.RunConfig}) with its random streams
 * ({@link org.ratelab.train.Seeds}), single-threaded; stopping rules ({@link org.ratelab.train.RunStatus}),
 * recording schedule, oracle accounting.
 */
package org.ratelab.train;
