package org.ratelab.fits;

/**
 * A fitted line log y ≈ intercept + slope·x over the points [from, to] of a curve.
 *
 * @param slope     fitted slope
 * @param intercept fitted intercept
 * @param r2        coefficient of determination of the fit
 * @param from      first x (step) of the window
 * @param to        last x (step) of the window
 * @param points    number of points in the window
 */
public record Fit(double slope, double intercept, double r2, long from, long to, int points) {
}
