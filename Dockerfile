# pgvault function app image: the Azure Functions Java 21 host plus the PostgreSQL client tools
# (pg_dump, pg_dumpall, pg_restore), which the Functions base images do not contain.
#
# Base image: the Java 21 image is built on Debian 12 (bookworm); the Java 17 one is still on
# Debian 11 (bullseye), whose LTS has ended and for which the PostgreSQL apt repository's newest
# client majors are not assured. The app is compiled for Java 17 (maven.compiler.release), and class
# files for 17 run unchanged on a Java 21 JVM.
#
# Build after `./mvnw -B package`, which writes the function app to target/azure-functions/pgvault/
# (the <functionAppName> of pom.xml):
#   docker build -t pgvault .            or   az acr build --registry <acr> --image pgvault:<tag> .
FROM mcr.microsoft.com/azure-functions/java:4-java21

# pg_dump refuses to dump a server whose major version is newer than its own, and dumps every
# older major (back to 9.2). So the image carries the newest major Azure Database for PostgreSQL
# Flexible Server offers: 17 is GA, 18 is offered (preview in some regions) -> 18. Raise this when
# Flexible Server adds a major; InfraConsistencyTest keeps it at 17 or newer.
ARG PG_MAJOR=18

ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true

# Debian's own repositories stop at one PostgreSQL major per release, so the client comes from
# the PostgreSQL project's apt repository (PGDG) for the base image's Debian release.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl; \
    install -d /usr/share/postgresql-common/pgdg; \
    curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    . /etc/os-release; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/*; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dumpall" --version

COPY target/azure-functions/pgvault/ /home/site/wwwroot/

# Class-data sharing for the Java worker's JVM (docs/performance.md, "Class-data sharing"): this image's own JVM
# loads the app the way the worker does and writes a dynamic archive, which languageWorkers__java__arguments
# (infra/app/function.bicep) hands to the worker's JVM: -XX:SharedArchiveFile=/home/site/wwwroot/pgvault-worker.jsa.
# The training program runs in the java launcher's source-file mode with the worker's jar as its only class path —
# the worker's JVM runs `-jar` that jar, and an archive is used only by a JVM whose class path starts with the one it
# was made with. It gets the worker's options (worker.config.json, less -noverify: an archive made with verification
# serves a JVM without it, not the reverse) and bin/pgvault's memory options, and loads, besides the app's start-up,
# the classes real backups and restores load (src/main/cds/classes.txt). The worker's annotationLib jar joins the
# app's class loader, as the worker adds it. A wrong path fails this build rather than leaving the archive out.
ARG WORKER_DIR=/azure-functions-host/workers/java
COPY src/main/cds/WorkerTraining.java src/main/cds/classes.txt /opt/pgvault-cds/
RUN set -eux; \
    worker="${WORKER_DIR}/azure-functions-java-worker.jar"; \
    test -f "$worker"; \
    "${JAVA_HOME}/bin/java" -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true \
        -Xms32m -Xmx1g -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k \
        -XX:ArchiveClassesAtExit=/home/site/wwwroot/pgvault-worker.jsa \
        -cp "$worker" /opt/pgvault-cds/WorkerTraining.java /home/site/wwwroot /opt/pgvault-cds/classes.txt \
        "${WORKER_DIR}"/annotationLib/azure-functions-java-library*.jar; \
    test -s /home/site/wwwroot/pgvault-worker.jsa; \
    rm -rf /opt/pgvault-cds
