/**
 * Files written safely: atomic replacement of a file's contents, and the plain CSV format for
 * points that {@link org.fmjvm.core.data.CsvDataset} reads back exactly.
 */
package org.fmjvm.core.io;
