package io.pgvault.cli;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code pgvault completion}: the bash completion script picocli generates from the command tree (every command,
 * subcommand and option, so it never falls behind); zsh reads it through {@code bashcompinit}.
 */
@Dependent
@Unremovable
@Command(name = "completion", description = "Print a bash/zsh completion script for bin/pgvault.",
        footer = {"%nExamples:", "  source <(bin/pgvault completion)          # bash, this shell",
                "  bin/pgvault completion > /etc/bash_completion.d/pgvault",
                "  autoload -U +X bashcompinit && bashcompinit         # zsh, then:",
                "  source <(bin/pgvault completion)"})
public class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("pgvault", spec.root().commandLine()));
        out.flush();
        return 0;
    }
}
