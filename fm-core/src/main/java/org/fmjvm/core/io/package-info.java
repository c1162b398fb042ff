/**
 * Files written safely: atomic replacement of a file's contents, SHA-256 digests that record what
 * was written, and the plain CSV format for points that {@link org.fmjvm.core.data.CsvDataset}
 * reads back exactly.
 */
package org.fmjvm.core.io;
