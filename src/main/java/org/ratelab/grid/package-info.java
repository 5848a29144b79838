/**
 * Grid expansion: each run's tree bound to typed records ({@link org.ratelab.grid.RunBinder}), axes and zip groups
 * into fully resolved runs ({@link org.ratelab.train.RunConfig}) with their run ids, memory and cost estimates,
 * schedules and plans.
 */
package org.ratelab.grid;
