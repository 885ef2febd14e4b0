package io.pgvault;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** Layering rules of pgvault's production code. */
@AnalyzeClasses(packages = "io.pgvault", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The support matrix judges plain records: no Azure SDK, JDBC, Quarkus, SmallRye, Jakarta or CDI. */
    @ArchTest
    static final ArchRule matrixIsPureJava = noClasses()
            .that().resideInAPackage("io.pgvault.matrix..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.azure..", "com.microsoft.azure..",
                    "java.sql..", "javax.sql..", "org.postgresql..",
                    "io.quarkus..", "io.smallrye..", "jakarta..",
                    "javax.enterprise..", "javax.inject..", "org.eclipse.microprofile..")
            .because("the matrix must be unit-testable without PostgreSQL, Azure or a Quarkus runtime");

    /** The matrix depends on no other pgvault package; they depend on it. */
    @ArchTest
    static final ArchRule matrixDependsOnNoOtherPgvaultPackage = noClasses()
            .that().resideInAPackage("io.pgvault.matrix..")
            .should().dependOnClassesThat(resideInAPackage("io.pgvault..")
                    .and(not(resideInAPackage("io.pgvault.matrix.."))))
            .because("facts are gathered by the callers and handed to the matrix as plain records");

    /**
     * Every JDBC session is opened by PgConnections, which gives it a safe search_path and row_security = off: a
     * connection opened anywhere else would run a database owner's functions with pgvault's privileges.
     */
    @ArchTest
    static final ArchRule onlyPgConnectionsOpensSessions = noClasses()
            .that().doNotHaveFullyQualifiedName("io.pgvault.postgres.PgConnections")
            .should().dependOnClassesThat().haveFullyQualifiedName("org.postgresql.Driver")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.sql.DriverManager")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("javax.sql.DataSource")
            .orShould().dependOnClassesThat().resideInAPackage("org.postgresql.ds..")
            .because("PgConnections is the one place that makes a PostgreSQL session safe (search_path, row_security)");

    /** The roles.sql scanner and filter are plain Java, shared by the restore kit and any later role restore. */
    @ArchTest
    static final ArchRule rolesIsPureJava = noClasses()
            .that().resideInAPackage("io.pgvault.roles..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.azure..", "java.sql..", "org.postgresql..", "io.quarkus..", "jakarta..", "io.pgvault.restore..",
                    "io.pgvault.vault..")
            .because("the filter must be unit-testable and reusable without storage, JDBC or a Quarkus runtime");

    /**
     * The restore speaks pgvault types; only its target adapter (restore.targets), which writes to users'
     * containers, uses the storage SDK, as the vault's own code does in io.pgvault.vault. (Not "restore.target":
     * the Maven pattern target/ in .gitignore would hide that folder from git.)
     */
    @ArchTest
    static final ArchRule restoreUsesStorageSdkOnlyInTargetAdapter = noClasses()
            .that().resideInAPackage("io.pgvault.restore..")
            .and().resideOutsideOfPackage("io.pgvault.restore.targets..")
            .should().dependOnClassesThat().resideInAPackage("com.azure.storage..")
            .because("the storage SDK stays behind the vault (io.pgvault.vault) and the restore target adapter");

    /** The rule above reports a restore class that uses the SDK (a fixture under src/test), not the adapter. */
    @Test
    void storageSdkRuleCatchesAViolation() throws ClassNotFoundException {
        JavaClasses classes = new ClassFileImporter().importClasses(
                Class.forName("io.pgvault.restore.SdkOutsideTargetFixture"), io.pgvault.restore.targets.TargetChecks.class);
        EvaluationResult result = restoreUsesStorageSdkOnlyInTargetAdapter.evaluate(classes);
        assertTrue(result.hasViolation(), "the fixture uses BlobClient outside restore.targets");
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains("SdkOutsideTargetFixture") && report.contains("com.azure.storage.blob.BlobClient"),
                report);
        assertFalse(report.contains("TargetChecks"), "the target adapter may use the SDK: " + report);
    }
}
