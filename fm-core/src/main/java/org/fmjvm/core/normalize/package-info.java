/**
 * Scales the columns of a real table to model space before training and back after sampling, with
 * the log-determinant of the change of variables that a likelihood needs.
 */
package org.fmjvm.core.normalize;
