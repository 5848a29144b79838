/**
 * Models: configuration records per kind ({@link org.ratelab.model.ModelSpec}) and their per-run instances
 * ({@link org.ratelab.model.Model}) with loss, exact gradients and preallocated buffers.
 */
package org.ratelab.model;
