package org.fmjvm.api.path;

/**
 * The coefficients of an affine path at one time: {@code x_t = alpha x1 + sigma x0} and
 * {@code dx_t = dAlpha x1 + dSigma x0}.
 *
 * @param t the time in [0, 1]
 * @param alpha {@code alpha_t}, the data coefficient
 * @param sigma {@code sigma_t}, the source coefficient
 * @param dAlpha {@code d alpha_t / dt}
 * @param dSigma {@code d sigma_t / dt}
 */
public record SchedulerOutput(double t, double alpha, double sigma, double dAlpha, double dSigma) {
}
