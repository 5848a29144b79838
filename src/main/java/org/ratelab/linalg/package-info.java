/** One BLAS facade over dev.ludovic.netlib (native OpenBLAS when it loads) and flat-array helpers. */
package org.ratelab.linalg;
