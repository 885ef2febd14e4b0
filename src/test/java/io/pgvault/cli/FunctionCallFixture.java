package io.pgvault.cli;

import io.pgvault.backup.PreflightFunction;

/**
 * Breaks ArchitectureTest's CLI rule on purpose (a CLI class depending on a Funqy function class), so the test can
 * show the rule catches it. A test class: the rules on production code never see it.
 */
final class FunctionCallFixture {

    private FunctionCallFixture() {
    }

    static Class<?> function() {
        return PreflightFunction.class;
    }
}
