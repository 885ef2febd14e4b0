package io.pgvault.testing;

import com.microsoft.azure.functions.ExecutionContext;

import java.util.UUID;
import java.util.logging.Logger;

/** A hand-made Functions execution context, as the Functions host would pass to the timer trigger. */
public class TestExecutionContext implements ExecutionContext {

    private final String name;
    private final String invocationId = UUID.randomUUID().toString();

    public TestExecutionContext(String functionName) {
        this.name = functionName;
    }

    @Override
    public Logger getLogger() {
        return Logger.getLogger("pgvault.test." + name);
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return name;
    }
}
