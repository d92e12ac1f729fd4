package io.firehosegateway.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Schemas the tests configure, written as files the way an operator would. */
public final class SchemaTestFiles {

    /** A realistic order: 15 properties, nested objects, format, enum and pattern. */
    public static final String ORDER = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "required": ["id", "type", "at", "customer", "total", "currency"],
              "properties": {
                "id": {"type": "string", "pattern": "^order-[0-9]+$"},
                "type": {"enum": ["order"]},
                "at": {"type": "string", "format": "date-time"},
                "customer": {
                  "type": "object",
                  "required": ["id", "email"],
                  "properties": {
                    "id": {"type": "string"},
                    "email": {"type": "string", "format": "email"},
                    "tier": {"enum": ["free", "pro", "enterprise"]}
                  }
                },
                "total": {"type": "number", "minimum": 0},
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "items": {
                  "type": "array",
                  "items": {
                    "type": "object",
                    "required": ["sku", "quantity"],
                    "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}}
                  }
                },
                "coupon": {"type": ["string", "null"]},
                "channel": {"enum": ["web", "app", "store"]},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "ip": {"type": "string", "format": "ipv4"},
                "session": {"type": "string", "format": "uuid"},
                "shipping": {
                  "type": "object",
                  "properties": {"method": {"enum": ["post", "courier"]}, "cost": {"type": "number"}}
                },
                "gift": {"type": "boolean"},
                "notes": {"type": "string", "maxLength": 500}
              }
            }
            """;

    /** An event {@link #ORDER} accepts. */
    public static String order(int n) {
        return "{\"id\":\"order-" + n + "\",\"type\":\"order\",\"at\":\"2026-12-02T01:00:00.123Z\","
                + "\"customer\":{\"id\":\"c-" + n + "\",\"email\":\"ada@example.com\",\"tier\":\"pro\"},"
                + "\"total\":12.5,\"currency\":\"EUR\",\"items\":[{\"sku\":\"a\",\"quantity\":2}],"
                + "\"coupon\":null,\"channel\":\"web\",\"country\":\"DE\",\"ip\":\"192.0.2.1\","
                + "\"session\":\"0193a4a0-0000-7000-8000-000000000001\",\"shipping\":{\"method\":\"post\",\"cost\":3.2},"
                + "\"gift\":false,\"notes\":\"leave at the door\"}";
    }

    public static final String CLICK = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["page"], "properties": {"page": {"type": "string"}, "ms": {"type": "integer"}}}
            """;

    public static final String SIGNUP = """
            {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
             "required": ["type", "email"], "properties": {"email": {"type": "string", "format": "email"}}}
            """;

    public static final String PURCHASE = """
            {"type": "object", "required": ["type", "amount"], "properties": {"amount": {"type": "number"}}}
            """;

    private SchemaTestFiles() {}

    public static Path write(Path directory, String name, String schema) {
        try {
            Files.createDirectories(directory);
            return Files.writeString(directory.resolve(name), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
