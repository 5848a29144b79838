/** Diagnostics measured along every trajectory: the quantities the theorems are about. */
package org.ratelab.probes;
