/**
 * Files written safely: atomic replacement of a file's contents, SHA-256 digests that record what
 * was written, the plain CSV format for points that {@link org.fmjvm.core.data.CsvDataset}
 * reads back exactly, and typed reads of JSON fields whose errors name the file and the field.
 */
package org.fmjvm.core.io;
