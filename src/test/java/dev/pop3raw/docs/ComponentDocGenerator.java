package dev.pop3raw.docs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.spi.Metadata;
import org.apache.camel.tooling.model.BaseOptionModel;
import org.apache.camel.tooling.model.ComponentModel;
import org.apache.camel.tooling.model.ComponentModel.EndpointHeaderModel;
import org.apache.camel.tooling.model.JsonMapper;

import dev.pop3raw.camel.Pop3RawAttachmentConstants;

/**
 * Publishes the component metadata that camel-package-maven-plugin generates (pop3raw.json) as the top-level
 * camel-pop3raw-component.json, and writes the options and headers tables of docs/pop3raw-component.adoc from it. The
 * build itself writes nothing at the top level: this command does, and {@code ComponentMetadataTest} fails when the
 * published copy is stale. Only the regions between
 * the marker comments are replaced:
 *
 * <pre>
 * // component options: START ... // component options: END
 * // endpoint options: START  ... // endpoint options: END
 * // component headers: START ... // component headers: END
 * // attachment headers: START ... // attachment headers: END
 * </pre>
 *
 * Run it with {@value #COMMAND}. {@code ComponentDocTest} fails when the page is stale.
 */
public final class ComponentDocGenerator {

    public static final String COMMAND = "mvn -q -B test-compile exec:java@docs";
    public static final Path METADATA = Path.of("camel-pop3raw-component.json");
    public static final Path GENERATED = Path.of("src/generated/resources/META-INF/dev/pop3raw/camel/pop3raw.json");
    public static final Path PAGE = Path.of("docs/pop3raw-component.adoc");

    private static final int MAX_DEFAULT = 40;

    private ComponentDocGenerator() {
    }

    public static void main(String[] args) throws IOException {
        String generated = Files.readString(GENERATED, StandardCharsets.UTF_8);
        if (!Files.exists(METADATA) || !generated.equals(Files.readString(METADATA, StandardCharsets.UTF_8))) {
            Files.writeString(METADATA, generated, StandardCharsets.UTF_8);
            System.out.println(METADATA + " published from " + GENERATED);
        }
        String current = Files.readString(PAGE, StandardCharsets.UTF_8);
        String updated = render(current, model());
        if (updated.equals(current)) {
            System.out.println(PAGE + " is up to date");
        } else {
            Files.writeString(PAGE, updated, StandardCharsets.UTF_8);
            System.out.println(PAGE + " updated from " + METADATA);
        }
    }

    public static ComponentModel model() throws IOException {
        return JsonMapper.generateComponentModel(Files.readString(METADATA, StandardCharsets.UTF_8));
    }

    /** The page with its generated regions rewritten from {@code model}. */
    public static String render(String page, ComponentModel model) {
        String result = replaceRegion(page, "component options", componentOptions(model));
        result = replaceRegion(result, "endpoint options", endpointOptions(model));
        result = replaceRegion(result, "component headers", headers(model));
        return replaceRegion(result, "attachment headers", attachmentHeaders());
    }

    static String replaceRegion(String page, String region, String content) {
        String start = "// " + region + ": START\n";
        String end = "// " + region + ": END";
        int from = page.indexOf(start);
        int to = page.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(PAGE + " lacks the markers '" + start.trim() + "' and '" + end + "'");
        }
        return page.substring(0, from + start.length()) + content + page.substring(to);
    }

    static String componentOptions(ComponentModel model) {
        StringBuilder out = new StringBuilder();
        out.append("The POP3 Raw component supports ").append(model.getComponentOptions().size())
                .append(" options, which are listed below. Set on the component, they are the defaults of every"
                        + " `pop3raw:` endpoint.\n\n");
        table(out, model.getComponentOptions());
        return out.toString();
    }

    static String endpointOptions(ComponentModel model) {
        List<BaseOptionModel> path = new ArrayList<>();
        List<BaseOptionModel> query = new ArrayList<>();
        for (BaseOptionModel o : model.getEndpointOptions()) {
            ("path".equals(o.getKind()) ? path : query).add(o);
        }
        StringBuilder out = new StringBuilder();
        out.append("The POP3 Raw endpoint is configured using URI syntax:\n\n----\n").append(model.getSyntax())
                .append("\n----\n\nwith the following path and query parameters:\n\n");
        out.append("=== Path Parameters (").append(path.size()).append(" parameters)\n\n");
        table(out, path);
        out.append("\n=== Query Parameters (").append(query.size()).append(" parameters)\n\n");
        Map<String, List<BaseOptionModel>> byGroup = new LinkedHashMap<>();
        for (BaseOptionModel o : query) {
            byGroup.computeIfAbsent(o.getGroup(), g -> new ArrayList<>()).add(o);
        }
        for (Map.Entry<String, List<BaseOptionModel>> group : byGroup.entrySet()) {
            out.append("[discrete]\n==== ").append(title(group.getKey())).append("\n\n");
            table(out, group.getValue());
            out.append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    static String headers(ComponentModel model) {
        List<EndpointHeaderModel> headers = model.getEndpointHeaders();
        StringBuilder out = new StringBuilder();
        out.append("The POP3 Raw component supports ").append(headers.size())
                .append(" message headers, which are listed below. Each is a constant of"
                        + " `dev.pop3raw.camel.Pop3RawConstants`.\n\n");
        out.append(
                "[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (EndpointHeaderModel h : headers) {
            String constant = h.getConstantName();
            constant = constant.substring(constant.indexOf('#') + 1);
            out.append("\n| *").append(h.getName()).append("* (").append(h.getGroup()).append(")\n\n")
                    .append("Constant: `").append(constant).append("`\n| ")
                    .append(escape(h.getDescription())).append(" | ").append(defaultValue(h)).append(" | ")
                    .append(escape(shortType(h))).append('\n');
        }
        out.append("|===\n");
        return out.toString();
    }

    /**
     * The headers {@code Pop3RawAttachments} sets on each part: not endpoint headers (the splitter sets them, not the
     * consumer), so they are read from the {@code @Metadata} of {@link Pop3RawAttachmentConstants} itself.
     */
    static String attachmentHeaders() {
        StringBuilder out = new StringBuilder();
        List<Field> fields = new ArrayList<>();
        for (Field f : Pop3RawAttachmentConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.isAnnotationPresent(Metadata.class)) {
                fields.add(f);
            }
        }
        out.append("`Pop3RawAttachments` sets ").append(fields.size()).append(" headers on each part, which are listed"
                + " below. Each is a constant of `dev.pop3raw.camel.Pop3RawAttachmentConstants`.\n\n");
        out.append("[width=\"100%\",cols=\"2,5,2\",options=\"header\"]\n|===\n| Name | Description | Type\n");
        for (Field f : fields) {
            Metadata metadata = f.getAnnotation(Metadata.class);
            try {
                out.append("\n| *").append(f.get(null)).append("*\n\nConstant: `").append(f.getName())
                        .append("`\n| ").append(escape(metadata.description())).append(" | ")
                        .append(metadata.javaType()).append('\n');
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        out.append("|===\n");
        return out.toString();
    }

    private static void table(StringBuilder out, List<? extends BaseOptionModel> options) {
        out.append(
                "[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (BaseOptionModel o : options) {
            out.append("\n| *").append(o.getName()).append("* (").append(o.getGroup()).append(")")
                    .append(o.isRequired() ? " *Required*" : "").append(" | ").append(escape(description(o)))
                    .append(" | ").append(defaultValue(o)).append(" | ").append(escape(shortType(o))).append('\n');
        }
        out.append("|===\n");
    }

    private static String description(BaseOptionModel o) {
        String d = o.getDescription() == null ? "" : o.getDescription();
        if (o.getEnums() != null && !o.getEnums().isEmpty()) {
            d += " Enum values: " + String.join(", ", o.getEnums().stream().map(e -> "`" + e + "`").toList()) + ".";
        }
        if (o.isSecret()) {
            d += " A secret: masked in logs and in the endpoint URI.";
        }
        if (o.isAutowired()) {
            d += " Autowired: when not set, the single bean of this type in the registry is used.";
        }
        return d;
    }

    private static String defaultValue(BaseOptionModel o) {
        Object value = o.getDefaultValue();
        if (value == null || value.toString().isEmpty()) {
            return "";
        }
        String text = value.toString();
        if (text.length() > MAX_DEFAULT) {
            text = text.substring(0, MAX_DEFAULT) + "...";
        }
        return "`" + text + "`";
    }

    private static String shortType(BaseOptionModel o) {
        String javaType = o.getJavaType();
        if (javaType == null || javaType.isEmpty()) {
            return o.getType() == null ? "" : o.getType();
        }
        String shortType = o.getShortJavaType();
        return "duration".equals(o.getType()) ? shortType + " (duration)" : shortType;
    }

    private static String title(String group) {
        StringBuilder t = new StringBuilder();
        for (String word : group.split(" ")) {
            if (t.length() > 0) {
                t.append(' ');
            }
            t.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return t.toString();
    }

    /** Makes description text safe inside an AsciiDoc table cell. */
    static String escape(String text) {
        return text.replace("|", "\\|").replace("{", "\\{");
    }
}
