# syntax=docker/dockerfile:1

# Build with the project's own Maven wrapper, so the image is built by the same Maven as CI.
FROM eclipse-temurin:25-jdk-noble AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/main/ src/main/
# Tests run in CI (.ci/run), not here: they need moto and Prometheus beside the build.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -Dmaven.test.skip=true -Dspotless.check.skip=true package \
    && cp target/firehose-gateway-*.jar app.jar \
    && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# Run on Java 25 (LTS): requests run on virtual threads there, so uploads that stall hold no request
# thread and never delay other clients (SlowClientsIntegrationTests); on 17 they share 200 platform
# threads. Run on a JRE only, as a non-root user, from layers ordered by how often they change, so a code
# change rebuilds and ships only the last, small layer.
FROM eclipse-temurin:25-jre-noble
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin gateway
WORKDIR /app
COPY --from=build /src/extracted/dependencies/ ./
COPY --from=build /src/extracted/spring-boot-loader/ ./
COPY --from=build /src/extracted/snapshot-dependencies/ ./
COPY --from=build /src/extracted/application/ ./
# The only places the gateway writes: the local sink's files, the journal, dead letters, and the
# JVM's and Tomcat's temporary files. As volumes they stay writable under a read-only root filesystem.
# API keys come from the environment or a mounted secret (gateway.security.keys-file), never
# from the image.
RUN mkdir -p /app/data /app/journal /app/dead-letter \
    && chown gateway:gateway /app/data /app/journal /app/dead-letter
VOLUME ["/app/data", "/app/journal", "/app/dead-letter", "/tmp"]
USER 10001:10001
# Heap from the container's memory limit, leaving a quarter for metaspace, threads and Netty's
# direct buffers; on an OutOfMemoryError exit so the orchestrator restarts a clean process.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
# The JRE image has no curl: ask readiness over bash's /dev/tcp and pass only on HTTP 200.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Exec form: the JVM is PID 1 and gets SIGTERM itself, so graceful shutdown drains the buffer.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
