/** Scaling laws across runs (width and other axes), computed by Spark over the runs table. */
package org.ratelab.laws;
