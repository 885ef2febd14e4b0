package io.pgvault;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
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
     * The storage SDK stays behind VaultStore, as WAL-G keeps storage behind its storage.Folder interface: only
     * io.pgvault.vault and the restore target adapter io.pgvault.restore.targets (which writes users' containers)
     * may use it. (Not "restore.target": the Maven pattern target/ in .gitignore would hide that folder from git.)
     * The fleet's backup queue adapter lives in io.pgvault.vault.queue with the rest of the storage SDK.
     */
    @ArchTest
    static final ArchRule storageSdkOnlyInVaultAndRestore = noClasses()
            .that().resideOutsideOfPackages("io.pgvault.vault..", "io.pgvault.restore.targets..")
            .should().dependOnClassesThat().resideInAPackage("com.azure.storage..")
            .because("storage failures are mapped to pgvault's errors in one place (vault/StorageErrors), and "
                    + "the rest of pgvault says what it does with the vault, not how the SDK does it");

    /** The CLI calls services, never an HTTP function class (a function is an adapter, like the CLI itself). */
    @ArchTest
    static final ArchRule cliNeverDependsOnFunctions = noClasses()
            .that().resideInAPackage("io.pgvault.cli..")
            .should().dependOnClassesThat().haveSimpleNameEndingWith("Function")
            .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Functions")
            .because("what a function and a command share belongs in a service or helper both use");

    /** Evaluates a rule on a fixture that breaks it on purpose (a test class: the rules above never see it). */
    private static void assertCaught(ArchRule rule, String violator) {
        JavaClasses fixture = new ClassFileImporter().importClasses(classFor(violator));
        EvaluationResult result = rule.evaluate(fixture);
        assertTrue(result.hasViolation(), "the rule must catch " + violator);
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains(violator), report);
    }

    @Test
    void storageSdkRuleCatchesAClassOutsideVaultUsingTheSdk() {
        assertCaught(storageSdkOnlyInVaultAndRestore, "io.pgvault.jobs.StorageSdkFixture");
    }

    @Test
    void storageSdkRuleCatchesARestoreClassOutsideItsTargetAdapter() {
        assertCaught(storageSdkOnlyInVaultAndRestore, "io.pgvault.restore.SdkOutsideTargetFixture");
    }

    @Test
    void storageSdkRuleCatchesAFanoutClassOutsideItsQueueAdapter() {
        assertCaught(storageSdkOnlyInVaultAndRestore, "io.pgvault.fanout.QueueSdkOutsideAdapterFixture");
    }

    @Test
    void cliRuleCatchesACliClassDependingOnAFunction() {
        assertCaught(cliNeverDependsOnFunctions, "io.pgvault.cli.FunctionCallFixture");
    }

    private static Class<?> classFor(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
