package io.pgvault.matrix;
import java.util.Set;
/** Placeholder until the matrix branch lands. */
public record MatrixPolicy(long maxServerSizeBytes, long maxByteaBytes) { public static final Set<String> EXCLUDED_OWNERS = Set.of("azuresu", "azure_pg_admin"); public static final Set<String> TEMPLATE_DATABASES = Set.of("template0", "template1"); }
