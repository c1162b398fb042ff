/**
 * Flow matching on Apache Spark: sampling and scoring checkpoints ({@code fm-spark sample}, {@code fm-spark score})
 * and data-parallel training by parameter averaging ({@code fm-spark train}).
 */
package org.fmjvm.spark;
