/** Probability paths and schedulers contributed as plugins (cond-ot, ...) and training-time samplers. */
package org.fmjvm.paths;
