package io.pgvault.restore;

import com.fasterxml.jackson.annotation.JsonValue;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a restore does with files already at the target: {@code FailIfExists} (the default: nothing at the target
 * is ever replaced) or {@code Overwrite}. Spelled in JSON, on the CLI and in messages as it always was.
 */
public enum RecoveryOption {
    FAIL_IF_EXISTS("FailIfExists"),
    OVERWRITE("Overwrite");

    private final String spelling;

    RecoveryOption(String spelling) {
        this.spelling = spelling;
    }

    @JsonValue
    @Override
    public String toString() {
        return spelling;
    }

    /**
     * The option a request names (any case; none: {@link #FAIL_IF_EXISTS}), or a refusal naming the allowed values.
     */
    public static RecoveryOption parse(String option) {
        if (option == null || option.isBlank()) {
            return FAIL_IF_EXISTS;
        }
        for (RecoveryOption o : values()) {
            if (o.spelling.equalsIgnoreCase(option.trim())) {
                return o;
            }
        }
        throw new PgvaultException(ErrorKind.INVALID_REQUEST, "recoveryOption has an unknown value.",
                "recoveryOption: " + BackupLayout.printable(option) + "; allowed: "
                        + Arrays.stream(values()).map(RecoveryOption::toString).collect(Collectors.joining(", ")),
                "Use FailIfExists (the default: nothing at the target is replaced) or Overwrite.");
    }
}
