/** Grid expansion: axes and zip groups into fully resolved runs, run ids, seeds, cost estimates, plans. */
package org.ratelab.grid;
