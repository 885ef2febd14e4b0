package io.pgvault.infra;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The settings a SmallRye {@link ConfigMapping} interface reads, derived by reflection so the
 * infra checks follow the Java code automatically: {@code fooBar()} in the nested group
 * {@code pg()} of prefix {@code pgvault} is property {@code pgvault.pg.foo-bar} and environment
 * variable / app setting {@code PGVAULT_PG_FOO_BAR}. A leaf is optional when it returns
 * {@code Optional*} or has {@code @WithDefault}; otherwise the app fails to start without it.
 */
final class ConfigSettings {

    /**
     * One setting. {@code wildcard}: a map-valued property whose keys are free, so any
     * environment name starting with {@code envName} belongs to it.
     */
    record Setting(String property, String envName, boolean required, String defaultValue, boolean wildcard,
            Method method) {

        boolean matches(String name) {
            return wildcard ? name.startsWith(envName) : name.equals(envName);
        }
    }

    private ConfigSettings() {
    }

    /** Settings of a {@code @ConfigMapping} interface, keyed by environment-variable name, sorted. */
    static Map<String, Setting> of(Class<?> mapping) {
        ConfigMapping cm = mapping.getAnnotation(ConfigMapping.class);
        if (cm == null) {
            throw new IllegalArgumentException(mapping + " is not annotated with @ConfigMapping");
        }
        return of(mapping, cm.prefix(), cm.namingStrategy());
    }

    /**
     * Same, for an interface given its prefix and naming strategy explicitly (test fixtures must
     * not carry {@code @ConfigMapping}: Quarkus would register and validate them in @QuarkusTest runs).
     */
    static Map<String, Setting> of(Class<?> mapping, String prefix, ConfigMapping.NamingStrategy naming) {
        Map<String, Setting> settings = new TreeMap<>();
        walk(mapping, prefix, false, naming, settings);
        return settings;
    }

    /** Environment-variable form of a property name: upper case, every non-alphanumeric as '_'. */
    static String envName(String property) {
        StringBuilder sb = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return sb.toString();
    }

    private static void walk(Class<?> group, String prefix, boolean optionalGroup,
            ConfigMapping.NamingStrategy naming, Map<String, Setting> out) {
        Method[] methods = group.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || m.getParameterCount() != 0
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String segment;
            if (m.isAnnotationPresent(WithParentName.class)) {
                segment = "";
            } else if (m.isAnnotationPresent(WithName.class)) {
                segment = m.getAnnotation(WithName.class).value();
            } else {
                segment = naming.apply(m.getName());
            }
            String path = segment.isEmpty() ? prefix : prefix.isEmpty() ? segment : prefix + "." + segment;

            Class<?> raw = m.getReturnType();
            boolean optionalWrapper = raw == Optional.class || raw == OptionalInt.class
                    || raw == OptionalLong.class || raw == OptionalDouble.class;
            WithDefault def = m.getAnnotation(WithDefault.class);
            Class<?> element = raw == Optional.class ? typeArgument(m.getGenericReturnType()) : raw;

            if (isGroup(element)) {
                walk(element, path, optionalGroup || optionalWrapper, naming, out);
            } else if (Map.class.isAssignableFrom(element)) {
                // Keys below a map property are free: accept any setting under its prefix.
                String env = envName(path) + "_";
                out.put(env, new Setting(path + ".*", env, false, null, true, m));
            } else {
                boolean required = !(optionalGroup || optionalWrapper || def != null);
                String env = envName(path);
                Setting previous = out.put(env, new Setting(path, env, required,
                        def == null ? null : def.value(), false, m));
                if (previous != null) {
                    throw new IllegalStateException("two settings map to " + env + ": " + previous.property()
                            + " and " + path);
                }
            }
        }
    }

    private static Class<?> typeArgument(Type type) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof ParameterizedType inner) {
            return (Class<?>) inner.getRawType();
        }
        return Object.class;
    }

    /** A nested configuration group: an interface that is not a JDK type (List, Map, ...). */
    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.") && !type.getName().startsWith("javax.");
    }

    static String describe(Map<String, Setting> settings) {
        return settings.values().stream()
                .map(s -> s.envName() + (s.required() ? " (required)" : ""))
                .collect(Collectors.joining(", "));
    }
}
