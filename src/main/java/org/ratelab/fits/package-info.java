/** Per-run fits: empirical linear rates and power-law exponents of recorded curves, computed in Spark. */
package org.ratelab.fits;
