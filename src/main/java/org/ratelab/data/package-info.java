/** Data sets: configuration records per kind, generators seeded from the run, loaders. */
package org.ratelab.data;
