package io.pgvault.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.arc.Arc;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * The output machinery every command shares: {@code --json} and the live progress display. A command adds it
 * with one field and prints its result with one call:
 *
 * <pre>{@code
 * @Mixin OutputOptions output;
 *
 * public Integer call() {
 *     try (var progress = output.progress()) {   // live lines on a terminal; nothing otherwise, or with --json
 *         result = service.doIt();               // whatever opens io.pgvault.jobs.LiveMeters shows up
 *     }
 *     output.print(result, out -> out.printf("done: %s%n", Units.bytes(result.bytes())));
 *     return 0;
 * }
 * }</pre>
 *
 * With {@code --json} {@link #print} writes the value with the application's Jackson {@link ObjectMapper} — the
 * same one the HTTP API serialises its records with, so the field names are the API's — pretty-printed, to
 * standard output; errors stay on standard error and exit codes do not change. Without it, the human text.
 */
public class OutputOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--json", description = "Print the result as JSON (the HTTP API's field names) instead of text.")
    boolean json;

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }

    /** The command's standard output. */
    public PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    /** Prints {@code value} as JSON with {@code --json}, else what {@code human} writes. */
    public void print(Object value, Consumer<PrintWriter> human) {
        PrintWriter out = out();
        if (json) {
            out.println(toJson(value));
        } else {
            human.accept(out);
        }
        out.flush();
    }

    /** {@code value} as the HTTP API would send it, indented. */
    static String toJson(Object value) {
        try {
            return mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the result as JSON", e);
        }
    }

    private static ObjectMapper mapper() {
        var bean = Arc.container() == null ? null : Arc.container().instance(ObjectMapper.class);
        return bean != null && bean.isAvailable() ? bean.get() : new ObjectMapper().findAndRegisterModules();
    }

    /**
     * The live progress display while the returned handle is open: only when standard output is a terminal and
     * {@code --json} was not given; otherwise a handle that does nothing (log lines as before).
     */
    public Progress progress() {
        if (json || !ProgressDisplay.isTerminal()) {
            return () -> { };
        }
        return ProgressDisplay.start(out());
    }

    /** An open progress display; closing it prints the last lines and wipes the live block. */
    public interface Progress extends AutoCloseable {
        @Override
        void close();
    }
}
