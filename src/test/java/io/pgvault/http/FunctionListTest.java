package io.pgvault.http;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.funqy.Funq;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The 404 answer's list of functions is the code's: every {@code @Funq} method of pgvault, no more, no less. */
class FunctionListTest {

    @Test
    void theListIsEveryFunqMethodOfTheCode() {
        JavaClasses code = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pgvault");
        TreeSet<String> funq = new TreeSet<>();
        for (var c : code) {
            for (JavaMethod m : c.getMethods()) {
                if (m.isAnnotatedWith(Funq.class)) {
                    String value = m.getAnnotationOfType(Funq.class).value();
                    funq.add(value.isEmpty() ? m.getName() : value);
                }
            }
        }
        assertFalse(funq.isEmpty(), "the scan found the @Funq methods");
        assertEquals(List.copyOf(funq), List.copyOf(new TreeSet<>(HttpErrors.FUNCTIONS)),
                "HttpErrors.FUNCTIONS must name exactly the @Funq functions");
        assertEquals(HttpErrors.FUNCTIONS.size(), new TreeSet<>(HttpErrors.FUNCTIONS).size(), "no name twice");
    }
}
