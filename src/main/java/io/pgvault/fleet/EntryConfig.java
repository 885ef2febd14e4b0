package io.pgvault.fleet;

import io.pgvault.config.PgvaultConfig;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
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
            public String host() { return entry.host(); }
            public int port() { return entry.port(); }
            public String user() { return entry.user(); }
            public Optional<String> password() { return Optional.ofNullable(password); }
            public String sslmode() { return entry.sslmode(); }
            public String database() { return entry.database(); }
            public String auth() { return entry.auth().spelling(); }
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
            public int parallelism() { return policy.parallelism(); }
            public String compression() { return policy.compression(); }
            public int blockSizeBytes() { return app.blockSizeBytes(); }
            public int blocksInFlight() { return app.blocksInFlight(); }
            public int maxBlocks() { return app.maxBlocks(); }
            public Duration lockWaitTimeout() { return app.lockWaitTimeout(); }
            public Duration timeout() { return app.timeout(); }
            public Duration timeBudget() { return app.timeBudget(); }
        };
    }

    private PgvaultConfig.Retention retention() {
        PgvaultConfig.Retention app = base.retention();
        BackupPolicy policy = entry.policy();
        return new PgvaultConfig.Retention() {
            public int weeklyWeeks() { return policy.weeklyWeeks(); }
            public int monthlyMonths() { return policy.monthlyMonths(); }
            public int yearlyYears() { return policy.yearlyYears(); }
            public boolean pruneAfterBackup() { return app.pruneAfterBackup(); }
        };
    }

}
