/**
 * Data sets: configuration records per kind ({@link org.ratelab.data.DataSpec}), generators seeded from the
 * run, and loaders. Kinds ({@code data.kind}) and keys, defaults in brackets:
 * <ul>
 *   <li>{@code teacher_student} [default kind]: n [256]; d [16]; teacher [linear] | two_layer; teacher_width [4];
 *       teacher_activation [tanh] | relu | identity; noise [0]; test_n [0]; inputs [gaussian] | circle (d = 2) |
 *       orthogonal (n ≤ d) | weakly_correlated (d ≥ n²); labels [real] | sign; input_kappa [1] (gaussian inputs:
 *       covariance eigenvalues geometric from 1 down to 1/input_kappa).</li>
 *   <li>{@code file}: path (required; .csv, .csv.gz or .parquet); format [auto] | csv | parquet; header [true];
 *       label [last] (column name or index); task [regression] | binary; positive (labels mapped to +1);
 *       classes (rows kept); standardize [true]; test_fraction [0.2].</li>
 *   <li>{@code digits}: task [zero_vs_one] | regression | even_odd; standardize [true, false with a scale];
 *       scale [1] (a number or a fraction: 1/16 puts the pixels in [0, 1]); test_fraction [0.2];
 *       path [data-samples/digits.csv.gz].</li>
 *   <li>{@code none}: n [1] placeholder samples for the data-free test functions.</li>
 * </ul>
 */
package org.ratelab.data;
