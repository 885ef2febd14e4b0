package io.pgvault.cli;

import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/** Lets picocli create command objects as CDI beans, so commands can inject the services. */
@ApplicationScoped
public class CdiFactory {

    @Produces
    CommandLine.IFactory factory() {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                var instance = Arc.container().instance(cls);
                return instance.isAvailable() ? instance.get() : CommandLine.defaultFactory().create(cls);
            }
        };
    }
}
