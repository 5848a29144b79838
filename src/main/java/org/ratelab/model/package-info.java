/**
 * Models: configuration records per kind ({@link org.ratelab.model.ModelSpec}) and their per-run instances
 * ({@link org.ratelab.model.Model}) with loss, exact gradient, minibatch gradient, Hessian-vector product
 * (R-operator), per-sample Jacobian rows, and the closed-form constants F*, μ, L, μ_PL where they exist.
 *
 * <p>Kinds ({@code model.kind}) and keys, defaults in brackets:
 * <ul>
 *   <li>{@code linear_regression}: init [zero] | gaussian; l1 [0].</li>
 *   <li>{@code logistic_regression} (labels ±1): reg [1e-3]; l1 [0]; init [zero] | gaussian.</li>
 *   <li>{@code two_layer}: width [64]; activation [tanh] | relu | softplus | identity; parameterization
 *       [standard] | ntk | meanfield; output_scale [1]; bias [false]; init [gaussian] | antisymmetric |
 *       chatterjee; train_layers [both] | first | second; sigma_w [1]; sigma_b [1 with bias under ntk/meanfield,
 *       else 0]; init_scale [1]; loss [square] | logistic.</li>
 *   <li>{@code mlp}: depth [3] (weight layers, ≥ 2) and the two_layer keys, with train_layers [all] | first |
 *       last.</li>
 *   <li>{@code deep_linear}: depth [3]; width [64]; parameterization; init; init_scale; train_layers.</li>
 *   <li>{@code quadratic} / {@code noisy_quadratic}: dim [2]; kappa [100]; smoothness [1]; spectrum
 *       [geometric] | linear | two_point; init [ones] | gaussian; init_scale [1]; noise_std [0, or 1 for
 *       noisy_quadratic].</li>
 *   <li>{@code saddle}: dim [2]; negative_curvature [1]; kappa [1]; smoothness [1]; spectrum; init [ones];
 *       init_scale [1]; init_offset [1e-6]; noise_std [0].</li>
 * </ul>
 * Test functions pair with {@code data: {kind: none}}; logistic losses with ±1 labels; Chatterjee's init
 * with smooth activations (tanh, identity), the standard parameterization and d ≥ n.
 */
package org.ratelab.model;
