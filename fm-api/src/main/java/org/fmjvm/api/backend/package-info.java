/**
 * For backend implementors: the pieces every {@link org.fmjvm.api.Backend} needs whatever its
 * engine, so that each backend module holds only its engine-specific code. The per-thread stack of
 * open scopes ({@link org.fmjvm.api.backend.ScopeStack}); what one scope owns and how
 * {@code keep} and {@code close} move and free it ({@link org.fmjvm.api.backend.OwnedTensors});
 * the checks on tensors handed to a backend ({@link org.fmjvm.api.backend.TensorChecks}) and the
 * host-side dtype conversions ({@link org.fmjvm.api.backend.HostArrays}); and the {@code threads} and
 * {@code device} options every backend accepts ({@link org.fmjvm.api.backend.BackendOptions}).
 * Shape rules live in {@link org.fmjvm.api.Shapes}, model argument checks in
 * {@link org.fmjvm.api.model.ModelInputs}. Models are not a backend's business: fm-nn writes them
 * once over the op set and the gradient contract ({@link org.fmjvm.api.autodiff}).
 *
 * <p>Code that only uses a backend needs nothing from this package except
 * {@link org.fmjvm.api.backend.BackendOptions}, to open a backend with chosen options.
 */
package org.fmjvm.api.backend;
