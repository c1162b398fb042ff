/** Sampling and scoring flow-matching checkpoints on Apache Spark: {@code fm-spark sample}, {@code fm-spark score}. */
package org.fmjvm.spark;
