/** Output tables: explicit Parquet schemas (the user-facing contract), row conversion, output directories. */
package org.ratelab.table;
