package io.firehosegateway;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code ops/cloudformation/gateway.yaml} read as CloudFormation reads it: each short tag
 * ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, {@code !If}, ...) becomes its long form
 * ({@code {Ref: x}}, {@code {Fn::Sub: ...}}, {@code {Fn::GetAtt: [resource, attribute]}}).
 */
public final class CloudFormationTemplate {

    static final Path PATH = Path.of("ops/cloudformation/gateway.yaml");

    private static final List<String> FUNCTIONS = List.of(
            "Base64",
            "Cidr",
            "FindInMap",
            "GetAZs",
            "ImportValue",
            "Join",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "If",
            "Equals",
            "Not",
            "And",
            "Or",
            "ToJsonString",
            "Length");

    private CloudFormationTemplate() {}

    /** The template as maps, lists and strings, every intrinsic function in its long form. */
    static Map<String, Object> read() throws IOException {
        return read(PATH);
    }

    /** Another template of {@code ops/cloudformation}, read the same way. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Path template) throws IOException {
        try (Reader reader = Files.newBufferedReader(template)) {
            return (Map<String, Object>) new Yaml(new ShortTags()).load(reader);
        }
    }

    /** SnakeYAML's safe constructor plus CloudFormation's tags. */
    private static final class ShortTags extends SafeConstructor {

        ShortTags() {
            super(new LoaderOptions());
            yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
            for (String function : FUNCTIONS) {
                yamlConstructors.put(new Tag("!" + function), new LongForm("Fn::" + function));
            }
        }

        private Object contents(Node node) {
            if (node instanceof ScalarNode scalar) {
                return constructScalar(scalar);
            }
            if (node instanceof SequenceNode sequence) {
                List<Object> list = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    list.add(constructObject(item));
                }
                return list;
            }
            Map<Object, Object> map = new LinkedHashMap<>();
            for (var tuple : ((MappingNode) node).getValue()) {
                map.put(constructObject(tuple.getKeyNode()), constructObject(tuple.getValueNode()));
            }
            return map;
        }

        private final class LongForm extends AbstractConstruct {
            private final String key;

            LongForm(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                return Map.of(key, contents(node));
            }
        }

        /** {@code !GetAtt Resource.Attribute} or {@code !GetAtt [Resource, Attribute]}. */
        private final class GetAtt extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                Object value = contents(node);
                if (value instanceof String dotted) {
                    int dot = dotted.indexOf('.');
                    value = List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
                }
                return Map.of("Fn::GetAtt", value);
            }
        }
    }
}
