/** The training loop of conditional flow matching, its configuration, result and a logging progress listener. */
package org.fmjvm.core.train;
