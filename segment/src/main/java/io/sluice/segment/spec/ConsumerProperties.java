package io.sluice.segment.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Kafka consumer properties as a spec holds them: plain values, password providers
 * ({@code {"type":"environment","variable":"NAME"}} or {@code {"type":"default","password":"…"}}) and Druid's
 * {@code druid.dynamic.config.provider} ({@code {"type":"environment","variables":{"ssl.key.password":"NAME"}}}).
 * Specs keep them unresolved, so that what travels through Temporal carries the names of secrets, not their values;
 * {@link #resolve} runs on the worker, just before a Kafka client is made.
 */
public final class ConsumerProperties {
  public static final String DYNAMIC_CONFIG_PROVIDER = "druid.dynamic.config.provider";

  private ConsumerProperties() {}

  /** Checks a spec's consumerProperties; returns them with plain values as given. */
  static Map<String, Object> validate(Map<String, Object> props) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : props.entrySet()) {
      String field = e.getKey();
      Object v = e.getValue();
      if (v == null) throw new SpecException(field, "must not be null");
      if (DYNAMIC_CONFIG_PROVIDER.equals(field)) {
        dynamicProvider(v, field);
      } else if (v instanceof Map<?, ?> m) {
        passwordProvider(m, field);
      } else if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new SpecException(field, "must be a string, a number, a boolean or a password provider");
      }
      out.put(field, v);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static void passwordProvider(Map<?, ?> m, String field) {
    Object type = m.get("type");
    if ("environment".equals(type)) {
      only(m, Set.of("type", "variable"), field);
      if (!(m.get("variable") instanceof String s) || s.isBlank()) {
        throw new SpecException(field + ".variable", "is required: the environment variable holding the value");
      }
    } else if ("default".equals(type)) {
      only(m, Set.of("type", "password"), field);
      if (!(m.get("password") instanceof String)) throw new SpecException(field + ".password", "is required");
    } else {
      throw new SpecException(field + ".type", "password provider type must be \"environment\" or \"default\", got "
          + type);
    }
  }

  private static void dynamicProvider(Object v, String field) {
    if (!(v instanceof Map<?, ?> m)) throw new SpecException(field, "must be an object");
    if (!"environment".equals(m.get("type"))) {
      throw new SpecException(field + ".type", "only the \"environment\" dynamic config provider is supported, got "
          + m.get("type"));
    }
    only(m, Set.of("type", "variables"), field);
    if (!(m.get("variables") instanceof Map<?, ?> vars) || vars.isEmpty()) {
      throw new SpecException(field + ".variables", "is required: consumer property name to environment variable");
    }
    for (Map.Entry<?, ?> e : vars.entrySet()) {
      if (!(e.getValue() instanceof String s) || s.isBlank()) {
        throw new SpecException(field + ".variables." + e.getKey(), "must name an environment variable");
      }
    }
  }

  private static void only(Map<?, ?> m, Set<String> allowed, String field) {
    for (Object k : m.keySet()) {
      if (!allowed.contains(String.valueOf(k))) throw new SpecException(field + "." + k, "unknown field");
    }
  }

  /**
   * The properties a Kafka client gets: providers replaced by their values from {@code env}, the dynamic config
   * provider's variables applied over the plain ones. A variable that is not set is an error naming the property
   * and the variable, never an empty value.
   */
  public static Map<String, String> resolve(Map<String, Object> props, Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    Map<?, ?> dynamic = null;
    for (Map.Entry<String, Object> e : props.entrySet()) {
      Object v = e.getValue();
      if (DYNAMIC_CONFIG_PROVIDER.equals(e.getKey())) {
        dynamic = (Map<?, ?>) ((Map<?, ?>) v).get("variables");
      } else if (v instanceof Map<?, ?> m) {
        out.put(e.getKey(), "default".equals(m.get("type")) ? String.valueOf(m.get("password"))
            : env(env, (String) m.get("variable"), e.getKey()));
      } else {
        out.put(e.getKey(), String.valueOf(v));
      }
    }
    if (dynamic != null) {
      for (Map.Entry<?, ?> e : dynamic.entrySet()) {
        out.put(String.valueOf(e.getKey()), env(env, String.valueOf(e.getValue()), String.valueOf(e.getKey())));
      }
    }
    return out;
  }

  private static String env(Map<String, String> env, String variable, String property) {
    String value = env.get(variable);
    if (value == null) {
      throw new IllegalArgumentException("consumer property '" + property + "' comes from environment variable "
          + variable + ", which is not set on this worker");
    }
    return value;
  }
}
