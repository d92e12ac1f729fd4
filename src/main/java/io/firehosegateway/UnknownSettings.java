package io.firehosegateway;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Fails the start on a {@code gateway.*} key that no setting reads, naming it and the nearest setting:
 * Spring ignores a key it binds to nothing, so a typo ({@code partiton-key}, {@code odering}) would
 * leave its setting at the default without a word. The settings are the components of the
 * application's {@code @ConfigurationProperties} records (a map's keys and a list's indexes take any
 * name) and the {@code gateway.*} properties of the configuration metadata (read with {@code @Value},
 * or renamed and still read by {@link RenamedProperties}). A key is known in every form Spring's
 * relaxed binding binds: dashed, camelCase, and an environment variable's, with a dashed word's dashes
 * left out or written as underscores.
 */
public final class UnknownSettings implements EnvironmentPostProcessor, Ordered {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("gateway");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        List<String> unknown = unknown(environment);
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("Unknown settings, which nothing would read; correct or remove them:\n  "
                    + String.join("\n  ", unknown));
        }
    }

    /** Each unknown key of the environment, with where it was set and the nearest setting, in order. */
    static List<String> unknown(ConfigurableEnvironment environment) {
        Map<String, String> unknown = new TreeMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource names)) {
                continue;
            }
            boolean variables = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
            names.stream()
                    .filter(ROOT::isAncestorOf)
                    .filter(name -> !Known.SETTINGS.matches(name, 1, variables))
                    .filter(name -> !(variables && isServiceLink(name)))
                    .forEach(name -> unknown.putIfAbsent(name.toString(), describe(source, name, variables)));
        }
        return List.copyOf(unknown.values());
    }

    private static String describe(
            ConfigurationPropertySource source, ConfigurationPropertyName name, boolean variables) {
        ConfigurationProperty property = source.getConfigurationProperty(name);
        String origin = property != null && property.getOrigin() != null ? " (" + property.getOrigin() + ")" : "";
        return name + origin + " is not a setting; the nearest one is " + Known.SETTINGS.nearest(name, variables);
    }

    /**
     * Kubernetes gives every pod variables naming each Service of its namespace, so any Service whose
     * name starts with {@code gateway} (the gateway's own, or a neighbour such as {@code gateway-admin})
     * gives {@code GATEWAY_PORT}, {@code GATEWAY_ADMIN_SERVICE_HOST}, {@code
     * GATEWAY_ADMIN_PORT_9000_TCP_ADDR} and the like, which are no one's typo. Only their exact shapes
     * pass: {@code <service>_SERVICE_HOST}, {@code <service>_SERVICE_PORT[_<port name>]}, {@code
     * <service>_PORT} and {@code <service>_PORT_<number>_<protocol>[_PROTO|_PORT|_ADDR]}.
     */
    private static boolean isServiceLink(ConfigurationPropertyName name) {
        int count = name.getNumberOfElements();
        for (int i = 1; i < count; i++) {
            String element = name.getElement(i, Form.UNIFORM);
            int left = count - i - 1;
            if (element.equals("service") && left >= 1) {
                String next = name.getElement(i + 1, Form.UNIFORM);
                if ((next.equals("host") && left == 1) || next.equals("port")) {
                    return true;
                }
            }
            if (element.equals("port") && (left == 0 || isPortVariable(name, i + 1, left))) {
                return true;
            }
        }
        return false;
    }

    /** {@code <number>_<protocol>} with nothing after it, or one of {@code proto}, {@code port}, {@code addr}. */
    private static boolean isPortVariable(ConfigurationPropertyName name, int from, int left) {
        if (left != 2 && left != 3) {
            return false;
        }
        String number = name.getElement(from, Form.UNIFORM);
        String protocol = name.getElement(from + 1, Form.UNIFORM);
        boolean shape = !number.isEmpty()
                && number.chars().allMatch(Character::isDigit)
                && List.of("tcp", "udp", "sctp").contains(protocol);
        return shape
                && (left == 2 || List.of("proto", "port", "addr").contains(name.getElement(from + 2, Form.UNIFORM)));
    }

    /** Before the context starts, once every source of settings is in the environment. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** The settings, read once: they are the classes' and the metadata's, the same for every start. */
    private static final class Known {

        static final Setting SETTINGS = settings();

        private static Setting settings() {
            Setting root = new Setting();
            ClassPathScanningCandidateComponentProvider scanner =
                    new ClassPathScanningCandidateComponentProvider(false);
            scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
            for (BeanDefinition candidate : scanner.findCandidateComponents(UnknownSettings.class.getPackageName())) {
                Class<?> type = ClassUtils.resolveClassName(
                        candidate.getBeanClassName(), UnknownSettings.class.getClassLoader());
                ConfigurationProperties annotation =
                        AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
                ConfigurationPropertyName prefix = ConfigurationPropertyName.of(annotation.prefix());
                if (prefix.equals(ROOT) || ROOT.isAncestorOf(prefix)) {
                    root.at(prefix).add(ResolvableType.forClass(type));
                }
            }
            RenamedProperties.gatewayMetadata()
                    .forEach(property -> root.at(
                            ConfigurationPropertyName.of(property.path("name").asString())));
            return root;
        }
    }

    /** A position among the settings: a group of named settings, a map, a list, or a value. */
    private static final class Setting {

        /** By their names' uniform form, which Spring compares. */
        private final Map<String, Named> named = new LinkedHashMap<>();

        /** A map's values, under any key. */
        private Setting anyKey;

        /** A list's elements, under an index. */
        private Setting anyIndex;

        /** A map of values: Spring takes all the rest of a name as the key. */
        private boolean open;

        private record Named(String dashed, Setting setting) {}

        /** The setting at this name below the root, made on the way if missing. */
        Setting at(ConfigurationPropertyName name) {
            Setting setting = this;
            for (int i = 1; i < name.getNumberOfElements(); i++) {
                setting = setting.child(name.getElement(i, Form.DASHED));
            }
            return setting;
        }

        private Setting child(String dashed) {
            return named.computeIfAbsent(uniform(dashed), key -> new Named(dashed, new Setting()))
                    .setting();
        }

        /** Adds what binds to {@code type} here: a record's components, a map's or a list's values. */
        void add(ResolvableType type) {
            Class<?> raw = type.toClass();
            if (raw.isRecord()) {
                for (RecordComponent component : raw.getRecordComponents()) {
                    child(DataObjectPropertyName.toDashedForm(component.getName()))
                            .add(ResolvableType.forType(component.getGenericType()));
                }
            } else if (Map.class.isAssignableFrom(raw)) {
                ResolvableType value = type.asMap().getGeneric(1);
                if (value.toClass().isRecord()) {
                    anyKey = anyKey != null ? anyKey : new Setting();
                    anyKey.add(value);
                } else {
                    open = true;
                }
            } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
                anyIndex = anyIndex != null ? anyIndex : new Setting();
                anyIndex.add(
                        raw.isArray()
                                ? type.getComponentType()
                                : type.asCollection().getGeneric(0));
            }
        }

        /** Whether {@code name} from its element {@code i} on is this setting or one below it. */
        boolean matches(ConfigurationPropertyName name, int i, boolean variable) {
            if (i == name.getNumberOfElements() || open) {
                return true;
            }
            if (anyIndex != null && isIndex(name, i)) {
                return anyIndex.matches(name, i + 1, variable);
            }
            if (anyKey != null) {
                return anyKey.matches(name, i + 1, variable);
            }
            String element = name.getElement(i, Form.UNIFORM);
            for (Named child : named.values()) {
                if (uniform(child.dashed()).equals(element) && child.setting().matches(name, i + 1, variable)) {
                    return true;
                }
                int words = wordsAt(child.dashed(), name, i);
                if (variable && words > 1 && child.setting().matches(name, i + words, variable)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the element is a list's index: {@code [0]}, or {@code .0}, which Spring binds too. */
        private static boolean isIndex(ConfigurationPropertyName name, int i) {
            String element = name.getElement(i, Form.UNIFORM);
            return name.isNumericIndex(i)
                    || (!element.isEmpty() && element.chars().allMatch(Character::isDigit));
        }

        /**
         * How many elements of {@code name} from {@code i} spell {@code dashed} one word each, as an
         * environment variable may ({@code MAX_IN_FLIGHT} for {@code max-in-flight}); 0 if they do not.
         */
        private static int wordsAt(String dashed, ConfigurationPropertyName name, int i) {
            String[] words = dashed.split("-");
            if (i + words.length > name.getNumberOfElements()) {
                return 0;
            }
            for (int w = 0; w < words.length; w++) {
                if (!words[w].equals(name.getElement(i + w, Form.UNIFORM))) {
                    return 0;
                }
            }
            return words.length;
        }

        /**
         * The setting nearest to {@code name}: each element that names no setting here replaced by the
         * one whose name is closest to it, as far as there are settings below.
         */
        String nearest(ConfigurationPropertyName name, boolean variable) {
            StringBuilder nearest = new StringBuilder(name.getElement(0, Form.ORIGINAL));
            Setting setting = this;
            int i = 1;
            while (i < name.getNumberOfElements() && !setting.open) {
                if (setting.anyIndex != null && isIndex(name, i)) {
                    nearest.append('[')
                            .append(name.getElement(i, Form.ORIGINAL))
                            .append(']');
                    setting = setting.anyIndex;
                    i++;
                } else if (setting.anyKey != null) {
                    nearest.append('.').append(name.getElement(i, Form.ORIGINAL));
                    setting = setting.anyKey;
                    i++;
                } else {
                    Step step = setting.closest(name, i, variable);
                    if (step == null) {
                        break;
                    }
                    nearest.append('.').append(step.named().dashed());
                    setting = step.named().setting();
                    i += step.elements();
                }
            }
            return nearest.toString();
        }

        /** A setting the elements of a name from some index on come closest to, and how many of them. */
        private record Step(Named named, int elements, int distance) {}

        private Step closest(ConfigurationPropertyName name, int i, boolean variable) {
            Step closest = null;
            for (Named child : named.values()) {
                String wanted = uniform(child.dashed());
                Step step = new Step(child, 1, distance(name.getElement(i, Form.UNIFORM), wanted));
                int words = child.dashed().split("-").length;
                if (variable && words > 1 && i + words <= name.getNumberOfElements()) {
                    StringBuilder joined = new StringBuilder();
                    for (int w = 0; w < words; w++) {
                        joined.append(name.getElement(i + w, Form.UNIFORM));
                    }
                    int distance = distance(joined.toString(), wanted);
                    if (distance < step.distance()) {
                        step = new Step(child, words, distance);
                    }
                }
                if (closest == null || step.distance() < closest.distance()) {
                    closest = step;
                }
            }
            return closest;
        }

        private static String uniform(String dashed) {
            return dashed.replace("-", "").toLowerCase(Locale.ROOT);
        }

        /** Levenshtein's distance: the fewest one-character insertions, deletions and changes. */
        private static int distance(String a, String b) {
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int change = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                    current[j] = Math.min(change, Math.min(previous[j], current[j - 1]) + 1);
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }
}
