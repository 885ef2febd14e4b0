package io.pgvault.fleet;

import io.pgvault.config.PgvaultConfig;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;

/**
 * The settings one backup of a registered server runs with: the app's settings, with the server's connection,
 * placement and policy from its {@link ServerEntry} in place of the single-server ones. The backup's steps
 * (inspection, dumps, retention) read their settings as they always did, so they back up any entry unchanged.
 */
public final class EntryConfig {

    private final PgvaultConfig base;
    private final ServerEntry entry;
    private final String password;

    private EntryConfig(PgvaultConfig base, ServerEntry entry, String password) {
        this.base = base;
        this.entry = entry;
        this.password = password;
    }

    /**
     * The view of {@code entry}; {@code password} is the resolved secret (null with Entra). A proxy: every group of
     * settings an entry does not override (vault, restore, matrix, verify, and any added later) is the app's.
     */
    public static PgvaultConfig of(PgvaultConfig base, ServerEntry entry, String password) {
        EntryConfig view = new EntryConfig(base, entry, password);
        return (PgvaultConfig) Proxy.newProxyInstance(PgvaultConfig.class.getClassLoader(),
                new Class<?>[] {PgvaultConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "serverName" -> entry.name();
                    case "serverNameSetting" -> Optional.of(entry.name());
                    case "pg" -> view.pg();
                    case "server" -> view.server();
                    case "backup" -> view.backup();
                    case "retention" -> view.retention();
                    case "toString" -> "EntryConfig[" + entry.name() + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> invoke(method, base, args);
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private PgvaultConfig.Pg pg() {
        PgvaultConfig.Pg app = base.pg();
        return new PgvaultConfig.Pg() {
            public Optional<String> hostSetting() { return Optional.ofNullable(entry.host()); }
            public Optional<String> port() { return Optional.of(Integer.toString(entry.port())); }
            public Optional<String> userSetting() { return Optional.ofNullable(entry.user()); }
            public Optional<String> password() { return Optional.ofNullable(password); }
            public Optional<String> sslmode() { return Optional.ofNullable(entry.sslmode()); }
            public Optional<String> databaseSetting() { return Optional.ofNullable(entry.database()); }
            public Optional<String> auth() { return Optional.of(entry.auth().spelling()); }
            public Optional<String> managedIdentityClientId() { return app.managedIdentityClientId(); }
            public Optional<String> binDir() { return app.binDir(); }
        };
    }

    private PgvaultConfig.Placement server() {
        io.pgvault.matrix.Placement p = entry.placement() == null ? io.pgvault.matrix.Placement.unknown() : entry.placement();
        return new PgvaultConfig.Placement() {
            public Optional<String> tenantId() { return Optional.ofNullable(p.tenantId()); }
            public Optional<String> subscriptionId() { return Optional.ofNullable(p.subscriptionId()); }
            public Optional<String> region() { return Optional.ofNullable(p.region()); }
        };
    }

    private PgvaultConfig.Backup backup() {
        PgvaultConfig.Backup app = base.backup();
        BackupPolicy policy = entry.policy();
        return new PgvaultConfig.Backup() {
            public Optional<String> parallelism() { return Optional.of(Integer.toString(policy.parallelism())); }
            public Optional<String> compression() { return Optional.ofNullable(policy.compression()); }
            public Optional<String> blockSizeBytes() { return app.blockSizeBytes(); }
            public Optional<String> blocksInFlight() { return app.blocksInFlight(); }
            public Optional<String> maxBlocks() { return app.maxBlocks(); }
            public Optional<String> splitDatabaseBytes() { return app.splitDatabaseBytes(); }
            public Optional<String> lockWaitTimeout() { return app.lockWaitTimeout(); }
            public Optional<String> timeout() { return app.timeout(); }
            public Optional<String> timeBudget() { return app.timeBudget(); }
            public Optional<String> exactCountMaxBytes() { return app.exactCountMaxBytes(); }
        };
    }

    private PgvaultConfig.Retention retention() {
        PgvaultConfig.Retention app = base.retention();
        BackupPolicy policy = entry.policy();
        return new PgvaultConfig.Retention() {
            public Optional<String> weeklyWeeks() { return Optional.of(Integer.toString(policy.weeklyWeeks())); }
            public Optional<String> monthlyMonths() { return Optional.of(Integer.toString(policy.monthlyMonths())); }
            public Optional<String> yearlyYears() { return Optional.of(Integer.toString(policy.yearlyYears())); }
            public Optional<String> pruneAfterBackup() { return app.pruneAfterBackup(); }
        };
    }

}
