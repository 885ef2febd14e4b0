package io.pgvault.matrix;
import java.util.List;
/** Placeholder until the matrix branch lands. */
public record ServerFacts(String serverName, String serverVersion, int serverMajor, boolean inRecovery, List<DatabaseFacts> databases, List<ByteaFacts> byteaColumns, Placement placement) { }
