package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public enum BackupType { FULL, INCREMENTAL, DIFFERENTIAL; public static BackupType parse(String s) { return valueOf(s.toUpperCase()); } }
