package io.pgvault.restore;

import io.pgvault.vault.Manifest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a restore places next to a backup's dumps so that a DBA can rebuild the server with native
 * tools: {@code restore.sh} (roles, then each database with {@code pg_restore -j}), {@code RESTORE.md}
 * and {@code SHA256SUMS}. Database names travel base64-encoded inside the script, so no name (quotes,
 * newlines, a leading dash) can break out of its argument.
 */
public final class RestoreKit {

    private RestoreKit() {
    }

    /** File name → content of every kit file for this manifest. */
    public static Map<String, String> files(Manifest m) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("restore.sh", script(m));
        out.put("RESTORE.md", readme(m));
        out.put("SHA256SUMS", sums(m));
        return out;
    }

    static String sums(Manifest m) {
        StringBuilder sb = new StringBuilder();
        for (Manifest.File f : m.files()) {
            sb.append(f.sha256()).append("  ").append(f.path()).append('\n');
        }
        return sb.toString();
    }

    private static String b64(String s) {
        return s == null ? "" : Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String script(Manifest m) {
        StringBuilder calls = new StringBuilder();
        for (Manifest.File f : m.databaseFiles()) {
            calls.append("restore_db '").append(b64(f.database())).append("' '").append(f.path()).append("' '")
                    .append(f.compression()).append("' '").append(b64(f.owner())).append("'\n");
        }
        return SCRIPT.replace("@SERVER@", m.server()).replace("@BACKUP@", m.backupId())
                .replace("@PGDUMP@", m.pgDumpVersion()).replace("@CALLS@", calls.toString());
    }

    static String readme(Manifest m) {
        StringBuilder dbs = new StringBuilder();
        for (Manifest.File f : m.databaseFiles()) {
            dbs.append("| `").append(f.database().replace("|", "\\|").replace("`", "'")).append("` | `").append(f.path())
                    .append("` | ").append(f.bytes()).append(" | ").append(f.compression()).append(" |\n");
        }
        StringBuilder excluded = new StringBuilder();
        for (Manifest.ExcludedDatabase e : m.excludedDatabases()) {
            excluded.append("- `").append(e.database()).append("`: ").append(e.reason()).append('\n');
        }
        return README.replace("@SERVER@", m.server()).replace("@BACKUP@", m.backupId())
                .replace("@WEEK@", m.isoWeek()).replace("@VERSION@", m.serverVersion())
                .replace("@PGDUMP@", m.pgDumpVersion()).replace("@DBS@", dbs.toString())
                .replace("@EXCLUDED@", excluded.length() == 0 ? "- none\n" : excluded.toString());
    }

    private static final String SCRIPT = """
            #!/usr/bin/env bash
            # pgvault restore kit — server @SERVER@, backup @BACKUP@ (dumped by pg_dump @PGDUMP@).
            #
            # Restores the roles, then every database of the backup, into the PostgreSQL server named by the usual
            # libpq variables:  PGHOST=... PGPORT=5432 PGUSER=... PGPASSWORD=... PGSSLMODE=require ./restore.sh
            #
            # Options:  --jobs N           parallel pg_restore jobs per database (default 4)
            #           --skip-roles       do not run roles.sql
            #           --keep-superuser   keep SUPERUSER/REPLICATION/BYPASSRLS attributes (self-managed targets only)
            #           --into-existing    restore into databases that exist already (default: refuse them)
            # Needs psql and pg_restore (major >= the dump's), and zstd for .zst files.
            set -euo pipefail
            cd "$(dirname "$0")"
            JOBS=4; SKIP_ROLES=0; KEEP_SUPERUSER=0; INTO_EXISTING=0
            while [ $# -gt 0 ]; do
              case "$1" in
                --jobs) JOBS="$2"; shift 2 ;;
                --skip-roles) SKIP_ROLES=1; shift ;;
                --keep-superuser) KEEP_SUPERUSER=1; shift ;;
                --into-existing) INTO_EXISTING=1; shift ;;
                *) echo "restore.sh: unknown option $1" >&2; exit 2 ;;
              esac
            done
            need() { command -v "$1" >/dev/null 2>&1 || { echo "restore.sh: $1 is needed but not installed" >&2; exit 2; }; }
            need psql; need pg_restore
            PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d postgres)
            FAILED=0
            unb64() { printf '%s' "$1" | base64 -d; }
            # A conninfo string with the name quoted, so a name like 'a=b' or '-h' stays a database name.
            conninfo() { local s=${1//\\\\/\\\\\\\\}; s=${s//\\'/\\\\\\'}; printf "dbname='%s'" "$s"; }

            if [ "$SKIP_ROLES" = 0 ] && [ -f roles.sql ]; then
              me=$("${PSQL[@]}" -At -c 'SELECT current_user')
              # Managed servers (Azure Flexible Server) refuse these roles and attributes: strip them, as Azure's
              # own restore guide tells users to do by hand. The connecting role is never altered. Role names are
              # parsed as identifiers (quoted ones too), so a name is never mistaken for an attribute.
              filtered=$(mktemp)
              ME="$me" KEEP="$KEEP_SUPERUSER" awk '
                BEGIN { n = split("azure_superuser azure_pg_admin azuresu replication", a, " "); for (i = 1; i <= n; i++) refused[a[i]] = 1 }
                function parse(s,    i, c) {
                  if (substr(s, 1, 1) == "\\"") {
                    i = 2
                    while (i <= length(s)) {
                      c = substr(s, i, 1)
                      if (c == "\\"") { if (substr(s, i + 1, 1) == "\\"") { i += 2; continue }; break }
                      i++
                    }
                    RAW = substr(s, 1, i); REST = substr(s, i + 1)
                    NAME = substr(RAW, 2, length(RAW) - 2); gsub(/""/, "\\"", NAME)
                  } else {
                    i = match(s, /[ ;]/); if (i == 0) i = length(s) + 1
                    RAW = substr(s, 1, i - 1); REST = substr(s, i); NAME = RAW
                  }
                }
                function dropped(name) { return (name in refused) || name ~ /^pg_/ || name == ENVIRON["ME"] }
                /^(CREATE|ALTER) ROLE / {
                  head = ($0 ~ /^CREATE/) ? "CREATE ROLE " : "ALTER ROLE "
                  parse(substr($0, length(head) + 1))
                  if (dropped(NAME)) next
                  if (head == "ALTER ROLE " && REST ~ /^ WITH / && ENVIRON["KEEP"] != "1") {
                    n = split(substr(REST, 7), w, " "); out = ""
                    for (k = 1; k <= n; k++) {
                      t = w[k]; semi = ""
                      if (t ~ /;$/) { semi = ";"; t = substr(t, 1, length(t) - 1) }
                      if (t == "SUPERUSER" || t == "REPLICATION" || t == "BYPASSRLS") t = "NO" t
                      out = out (k > 1 ? " " : "") t semi
                    }
                    print head RAW " WITH " out; next
                  }
                }
                /^GRANT / && /(^|[ ,])(azure_superuser|azure_pg_admin|azuresu|replication)([ ,;]|$)/ { next }
                { print }
              ' roles.sql > "$filtered"
              echo "restore.sh: creating roles"
              # Roles that already exist are reported by psql and skipped; the restore goes on.
              psql -X -q -d postgres -f "$filtered" 2>&1 | grep -v 'already exists' || true
              rm -f "$filtered"
            fi

            restore_db() { # base64(name) file compression base64(owner)
              local name file comp owner src exists
              name=$(unb64 "$1"); file=$2; comp=$3; owner=$(unb64 "$4")
              echo "restore.sh: database $(printf '%q' "$name") from $file"
              exists=$(printf "SELECT count(*) FROM pg_database WHERE datname = :'db';\\n" | "${PSQL[@]}" -At -v db="$name")
              if [ "$exists" = 1 ] && [ "$name" != postgres ] && [ "$INTO_EXISTING" = 0 ]; then
                echo "restore.sh: database $(printf '%q' "$name") exists already; drop it or pass --into-existing" >&2
                FAILED=1; return 0
              fi
              # 'postgres' exists on every server: its objects are restored into it.
              if [ "$exists" = 0 ] && ! printf 'CREATE DATABASE :"db" TEMPLATE template0;\\n' | "${PSQL[@]}" -v db="$name"; then
                echo "restore.sh: could not create $(printf '%q' "$name")" >&2; FAILED=1; return 0
              fi
              if [ -n "$owner" ]; then
                printf 'ALTER DATABASE :"db" OWNER TO :"owner";\\n' | "${PSQL[@]}" -v db="$name" -v owner="$owner" || true
              fi
              src=$file
              case "$comp" in
                zstd*) need zstd; src=$(mktemp); zstd -d -q -f -o "$src" "$file" ;;
              esac
              if ! pg_restore --jobs "$JOBS" --dbname "$(conninfo "$name")" "$src"; then
                echo "restore.sh: pg_restore reported errors for $(printf '%q' "$name")" >&2; FAILED=1
              fi
              [ "$src" != "$file" ] && rm -f "$src"
              return 0
            }

            @CALLS@
            if [ "$FAILED" = 0 ]; then echo "restore.sh: done"; else echo "restore.sh: finished with errors" >&2; exit 1; fi
            """;

    private static final String README = """
            # Restoring backup @BACKUP@ of server @SERVER@

            This folder is a complete, self-contained logical backup made by pgvault (ISO week @WEEK@; server
            PostgreSQL @VERSION@; dumped with pg_dump @PGDUMP@). Restore it with PostgreSQL's own tools.

            | database | file | bytes | compression |
            |---|---|---|---|
            @DBS@
            Databases the support matrix excludes (not in this backup):
            @EXCLUDED@
            ## 1. Get the files
            `azcopy copy '<this folder's URL>?<SAS>' . --recursive` (or the Azure portal / Storage Explorer), then check them:
            `sha256sum -c SHA256SUMS`.

            ## 2. Prepare the target server
            - A new Azure Database for PostgreSQL Flexible Server (or any PostgreSQL) of major version >= @VERSION@.
            - On Flexible Server, allow the extensions the databases use (server parameter `azure.extensions`).
            - Install psql and pg_restore of major >= @PGDUMP@, and `zstd` for `.zst` files.

            ## 3. Restore
            ```
            PGHOST=<server>.postgres.database.azure.com PGUSER=<admin> PGPASSWORD=... PGSSLMODE=require ./restore.sh --jobs 4
            ```
            It creates the roles of `roles.sql` (without passwords: pg_dumpall ran with --no-role-passwords; set them
            with ALTER ROLE ... PASSWORD afterwards), stripping what a managed server refuses (`azure_superuser`,
            `azure_pg_admin`, `azuresu`, `replication`, SUPERUSER / REPLICATION / BYPASSRLS attributes), then creates
            each database and runs `pg_restore -j` into it. By hand, for one database:
            `zstd -d databases/0001_x.dump.zst -o x.dump && createdb x && pg_restore -j 4 -d x x.dump`.
            """;
}
